"""The science of the XACLE server: metrics, ranking and file reading. No Django in here."""

from scoring.metrics import PreparedTruth, Result, evaluate, prepare
from scoring.submission import (
    DEFAULT_MAX_BYTES,
    Problem,
    SubmissionError,
    SubmissionReader,
    read_submission,
    write_submission,
)
from scoring.truth import Truth, TruthError, read_truth

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PreparedTruth",
    "Problem",
    "Result",
    "SubmissionError",
    "SubmissionReader",
    "Truth",
    "TruthError",
    "evaluate",
    "prepare",
    "read_submission",
    "read_truth",
    "write_submission",
]
