"""`python -m xacle_cli COMMAND`: submit predictions and read scores and leaderboards.

Settings come from options or the environment: --url (XACLE_URL), --token (XACLE_TOKEN),
--competition (XACLE_COMPETITION). Exit status: 0 done, 1 the submission failed to score,
2 any other problem (a refused file, a wrong token or name, no server), told in one line
on stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from xacle_cli import output
from xacle_cli.api import ApiError, Client

DEFAULT_URL = "http://127.0.0.1:8000"
FAILED = 1
PROBLEM = 2


def _settings() -> argparse.ArgumentParser:
    # Shared by the top level and every command, so that they can stand before or after
    # the command's name; SUPPRESS keeps a command's parser from blanking a value given first.
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--url", default=argparse.SUPPRESS, help=f"env XACLE_URL, else {DEFAULT_URL}"
    )
    parser.add_argument(
        "--token", default=argparse.SUPPRESS, help="your API token; env XACLE_TOKEN"
    )
    parser.add_argument(
        "--competition",
        default=argparse.SUPPRESS,
        metavar="SLUG",
        help="the competition; env XACLE_COMPETITION",
    )
    return parser


def _parser() -> argparse.ArgumentParser:
    settings = _settings()
    phase = argparse.ArgumentParser(add_help=False)
    phase.add_argument("--phase", choices=["validation", "test"], default="validation")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print the API's JSON")

    parser = argparse.ArgumentParser(
        prog="python -m xacle_cli",
        description="Submit predictions to the XACLE competition server and read the scores.",
        parents=[settings],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, *parents: argparse.ArgumentParser):
        return commands.add_parser(name, help=help, parents=[settings, *parents])

    submit = command("submit", "upload a predictions CSV or an XACLE package", phase, as_json)
    submit.add_argument(
        "file",
        type=Path,
        help="the CSV (wav_file_name,prediction_score), or a .zip package with NAME.csv and "
        "NAME.yaml per system (and at most one PDF report)",
    )
    submit.add_argument(
        "--system", help="the system's name, e.g. Me_Lab_01 (a package names its own)"
    )
    submit.add_argument(
        "--description", type=Path, metavar="YAML", help="the system's description (YAML)"
    )
    submit.add_argument("--wait", action="store_true", help="wait for the scores")
    submit.add_argument(
        "--timeout", type=float, default=600.0, metavar="SECONDS", help="how long --wait waits"
    )

    status = command("status", "one submission: its status and scores", as_json)
    status.add_argument("id", type=int, help="the submission's id")

    board = command("leaderboard", "a phase's leaderboard", phase, as_json)
    board.add_argument("--by", choices=["team", "system"], default="team")
    board.add_argument("--split", help="a split's name; default: the one the site shows")

    sample = command("sample", "the sample submission CSV", phase)
    sample.add_argument("-o", "--output", type=Path, help="write it here instead of stdout")

    command("submissions", "your team's submissions, newest first", phase, as_json)
    command("phase", "a phase's state, window, your quota and final selection", phase, as_json)

    for name, what in (("select", "mark a submission final"), ("unselect", "unmark a final")):
        final = command(name, what, as_json)
        final.add_argument("id", type=int, help="the submission's id")
    return parser


def _competition(args: argparse.Namespace, client: Client) -> str:
    """The competition named by option or environment, else the server's only one."""
    slug = getattr(args, "competition", None) or os.environ.get("XACLE_COMPETITION")
    if slug:
        return slug
    slugs = [competition["slug"] for competition in client.competitions()]
    if len(slugs) == 1:
        return slugs[0]
    known = f" (this server has: {', '.join(slugs)})" if slugs else " (this server has none)"
    raise ApiError(
        "Name the competition: pass --competition SLUG or set XACLE_COMPETITION" + known + "."
    )


def _show(data: Any, text: str, args: argparse.Namespace) -> None:
    print(json.dumps(data, indent=2) if args.json else text)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ApiError(f"{path}: cannot be read ({error.strerror or error}).")


def _submit(client: Client, args: argparse.Namespace) -> int:
    package = args.file.suffix.lower() == ".zip"
    if not package and not args.system:
        raise ApiError("Name the system: --system NAME (a .zip package names its own systems).")
    content = _read(args.file)
    description = None
    if args.description is not None:
        description = (args.description.name, _read(args.description))
    competition = _competition(args, client)
    answer = client.submit(
        competition, args.phase, args.system or "", args.file.name, content, description
    )
    submissions = answer["submissions"] if package else [answer]
    if not args.json and answer.get("quota"):
        print(output.quota_text(answer["quota"]), file=sys.stderr)
    if not args.wait:
        _show(answer, "\n".join(str(s["id"]) for s in submissions), args)
        return 0
    if not args.json:
        # The ids first: a script can note them before waiting.
        print("\n".join(str(s["id"]) for s in submissions), flush=True)
    done = []
    for submission in submissions:
        if not args.json:
            print(f"Waiting for submission {submission['id']} to be scored...", file=sys.stderr)
        done.append(client.wait(submission["id"], timeout=args.timeout))
    result = {**answer, "submissions": done} if package else done[0]
    _show(result, "\n\n".join(output.submission_text(s) for s in done), args)
    return FAILED if any(s["status"] == "failed" for s in done) else 0


def _phase(client: Client, args: argparse.Namespace) -> int:
    data = client.phase(_competition(args, client), args.phase)
    _show(data, output.phase_text(data), args)
    return 0


def _select(client: Client, args: argparse.Namespace) -> int:
    submission = client.select(args.id, final=args.command == "select")
    verb = "is now final" if submission.get("final") else "is no longer final"
    _show(submission, f"Submission {submission['id']} ({submission['system_name']}) {verb}.", args)
    return 0


def _status(client: Client, args: argparse.Namespace) -> int:
    submission = client.submission(args.id)
    _show(submission, output.submission_text(submission), args)
    return 0


def _leaderboard(client: Client, args: argparse.Namespace) -> int:
    board = client.leaderboard(_competition(args, client), args.phase, args.by, args.split)
    _show(board, output.leaderboard_text(board), args)
    return 0


def _sample(client: Client, args: argparse.Namespace) -> int:
    content = client.sample_submission(_competition(args, client), args.phase)
    if args.output is None:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    try:
        args.output.write_bytes(content)
    except OSError as error:
        raise ApiError(f"{args.output}: cannot be written ({error.strerror or error}).")
    rows = max(content.count(b"\n") - 1, 0)
    print(
        f"Wrote the {args.phase} sample submission ({rows} rows) to {args.output}.", file=sys.stderr
    )
    return 0


def _submissions(client: Client, args: argparse.Namespace) -> int:
    submissions = client.submissions(_competition(args, client), args.phase)
    _show(submissions, output.submissions_table(submissions, args.phase), args)
    return 0


COMMANDS = {
    "submit": _submit,
    "status": _status,
    "leaderboard": _leaderboard,
    "sample": _sample,
    "submissions": _submissions,
    "phase": _phase,
    "select": _select,
    "unselect": _select,
}


def main(argv: list[str] | None = None, **client_options: Any) -> int:
    """Run one command; return the exit status. client_options go to Client (tests pass
    a quicker sleep or a shorter timeout)."""
    args = _parser().parse_args(argv)
    try:
        client = Client(
            getattr(args, "url", None) or os.environ.get("XACLE_URL") or DEFAULT_URL,
            getattr(args, "token", None) or os.environ.get("XACLE_TOKEN"),
            log=lambda message: print(message, file=sys.stderr),
            **client_options,
        )
        return COMMANDS[args.command](client, args)
    except ApiError as error:
        print(str(error), file=sys.stderr)
        for line in error.lines:
            print(f"  {line}", file=sys.stderr)
        return PROBLEM
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
