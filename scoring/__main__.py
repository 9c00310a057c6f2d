"""`python -m scoring evaluate --truth TRUTH.csv --pred SUBMISSION.csv [--json]`.

Does the official scorer's job, but refuses a submission that misses, repeats or invents items
instead of silently dropping them. Exit status: 0 scored, 2 bad input (message on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from scoring.metrics import evaluate
from scoring.submission import SubmissionError, read_submission
from scoring.truth import TruthError, read_truth

BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("evaluate", help="score one submission against a truth file")
    command.add_argument("--truth", required=True, help="*_average.csv or the per-rating file")
    command.add_argument("--pred", required=True, help="the submission CSV")
    command.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _evaluate(args: argparse.Namespace) -> int:
    try:
        truth = read_truth(args.truth)
    except TruthError as e:
        print(f"Ground truth: {e}", file=sys.stderr)
        return BAD_INPUT
    try:
        predictions = read_submission(args.pred, truth.ids)
    except SubmissionError as e:
        print(f"{args.pred} cannot be scored:", file=sys.stderr)
        for message in e.messages():
            print(f"  {message}", file=sys.stderr)
        return BAD_INPUT
    except OSError as e:
        print(f"{args.pred}: cannot be read ({e.strerror or e})", file=sys.stderr)
        return BAD_INPUT
    result = evaluate(truth.means, predictions)
    if args.json:
        print(json.dumps(result.as_dict()))
        return 0
    print(f"SRCC {result.srcc:.6f}")
    print(f"LCC  {result.lcc:.6f}")
    print(f"KTAU {result.ktau:.6f}")
    print(f"MSE  {result.mse:.6f}")
    print(f"N    {result.n}")
    if result.constant_prediction:
        print("Note: every prediction is the same number, so SRCC, LCC and KTAU are set to 0.")
    elif result.constant_truth:
        print("Note: every item has the same true score, so SRCC, LCC and KTAU are set to 0.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _evaluate(args)


if __name__ == "__main__":
    sys.exit(main())
