"""Loaded into a test worker with `--include`: every task announces itself in a file and
then hangs, so the test can kill the worker mid-task."""

import os
import time
from pathlib import Path

from celery.signals import task_prerun


@task_prerun.connect
def hang(task_id=None, args=None, **_):
    Path(os.environ["XACLE_TEST_MARKER"]).write_text(str(args))
    time.sleep(3600)
