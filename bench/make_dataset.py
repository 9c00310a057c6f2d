"""Time make_dataset at the small default size and at the full official size.

    .venv/bin/python bench/make_dataset.py [--size small|full|both] [--out DIR] [--keep]

The full size writes 13,500 ten-second clips: about 4.3 GB, removed afterwards unless --keep.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demodata import DatasetSpec, make_dataset  # noqa: E402

SIZES = {
    "small": DatasetSpec(),
    "full": DatasetSpec(train=7500, validation=3000, test=3000, seconds=10.0),
}


def bench(name: str, spec: DatasetSpec, out: Path, keep: bool) -> None:
    folder = out / f"bench_{name}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    result = make_dataset(folder, spec)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in result.root.rglob("*") if p.is_file())
    print(
        f"{name}: {spec.total} pairs of {spec.seconds:g} s in {seconds:.1f} s "
        f"({1000 * seconds / max(spec.total, 1):.1f} ms a clip, {size / 1e9:.2f} GB, "
        f"{len(result.animals)} animal recordings)"
    )
    if not keep:
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["small", "full", "both"], default="both")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data sets written")
    args = parser.parse_args()
    names = ["small", "full"] if args.size == "both" else [args.size]
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        for name in names:
            bench(name, SIZES[name], out, args.keep and args.out is not None)


if __name__ == "__main__":
    main()
