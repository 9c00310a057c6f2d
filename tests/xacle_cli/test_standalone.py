"""The client is one folder of standard-library Python: it runs where Django does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = (
    "import sys, xacle_cli.__main__; "
    "names = {m.split('.')[0] for m in sys.modules} - {'__main__'}; "
    "print(sorted(names - set(sys.stdlib_module_names)))"
)


def test_it_imports_nothing_outside_the_standard_library():
    # -S: no site-packages at all, so a third-party import would fail here, not pass quietly.
    done = subprocess.run(
        [sys.executable, "-S", "-c", OUTSIDE], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['xacle_cli']"


def test_python_m_runs_it_and_exits_2_on_a_problem(closed_port):
    url = f"http://127.0.0.1:{closed_port}"
    done = subprocess.run(
        [sys.executable, "-S", "-m", "xacle_cli", "status", "1", "--url", url],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"Could not connect to {url} (connection refused)")
