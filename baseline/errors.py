"""User-facing errors: a clear message and exit status 2 instead of a traceback."""

import sys
from collections.abc import Callable

EXIT_BAD_INPUT = 2


class BaselineError(Exception):
    """Bad input the user can fix: a missing file, a wrong wav, a checkpoint that does not fit."""


def run_cli(main: Callable[[list[str] | None], None], argv: list[str] | None = None) -> None:
    """Runs a command's main(argv), turning a BaselineError into a message and exit 2."""
    try:
        main(argv)
    except BaselineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
