"""A data set in the official XACLE format, made here from animal recordings and
synthesized sounds, with captions that match, partly match or do not match, and ratings
from simulated listeners. Pure numpy, scipy and soundfile: no Django, no torch."""

from demodata.dataset import (
    AUTO,
    SPLITS,
    TTA_MODELS,
    DatasetResult,
    DatasetSpec,
    OutputExists,
    check_output_dir,
    make_dataset,
)
from demodata.synth import SAMPLE_RATE

__all__ = [
    "AUTO",
    "SAMPLE_RATE",
    "SPLITS",
    "TTA_MODELS",
    "DatasetResult",
    "DatasetSpec",
    "OutputExists",
    "check_output_dir",
    "make_dataset",
]
