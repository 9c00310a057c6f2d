"""The command-line options shared by `python -m demodata` and `manage.py make_dataset`."""

import argparse
import sys
import time
from pathlib import Path

from demodata.dataset import AUTO, DatasetSpec, check_output_dir, make_dataset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = DatasetSpec()
    parser.add_argument("out", type=Path, help="folder to write XACLE_dataset/ into")
    parser.add_argument("--train", type=int, default=defaults.train, help="train pairs")
    parser.add_argument("--validation", type=int, default=defaults.validation)
    parser.add_argument("--test", type=int, default=defaults.test, help="test pairs")
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="clip length")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--listeners",
        type=int,
        default=defaults.listeners_per_pair,
        help="listeners per pair in train and validation",
    )
    parser.add_argument(
        "--test-listeners",
        type=int,
        default=defaults.test_listeners_per_pair,
        help="listeners per pair in test",
    )
    sounds = parser.add_mutually_exclusive_group()
    sounds.add_argument(
        "--animal-dir", type=Path, default=None, help="folder of animal recordings to use"
    )
    sounds.add_argument("--no-animals", action="store_true", help="synthesized sounds only")
    parser.add_argument(
        "--force", action="store_true", help="write into a non-empty folder, replacing its set"
    )


def spec_from_options(options: dict) -> DatasetSpec:
    """The spec the options ask for; ValueError names a bad one."""
    return DatasetSpec(
        train=options["train"],
        validation=options["validation"],
        test=options["test"],
        seconds=options["seconds"],
        seed=options["seed"],
        listeners_per_pair=options["listeners"],
        test_listeners_per_pair=options["test_listeners"],
    )


def animal_dir_from_options(options: dict):
    if options["no_animals"]:
        return None
    return options["animal_dir"] or AUTO


def run(options: dict, progress=None) -> tuple[str, list[str]]:
    """Check the options, make the data set; return a summary line and the notes.
    Raises ValueError (OutputExists included) for bad options."""
    spec = spec_from_options(options)
    check_output_dir(options["out"], options["force"])
    started = time.monotonic()
    result = make_dataset(
        options["out"],
        spec,
        progress,
        animal_dir=animal_dir_from_options(options),
        force=options["force"],
    )
    natural = sum(s == "natural" for s in result.subsets.values())
    summary = (
        f"Wrote {spec.total} pairs ({spec.train}/{spec.validation}/{spec.test}) of "
        f"{spec.seconds:g} s, {natural} natural, to {result.root} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return summary, result.notes


def _print_progress(done: int, total: int) -> None:
    if done == total or done % max(total // 100, 1) == 0:
        end = "\n" if done == total else ""
        print(f"\r{done}/{total} clips", end=end, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demodata", description="Make a data set in the official XACLE layout."
    )
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    progress = _print_progress if sys.stderr.isatty() else None
    try:
        summary, notes = run(options, progress)
    except ValueError as exc:
        parser.error(str(exc))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    print(summary)
    return 0
