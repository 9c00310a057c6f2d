"""Loaded into a test's gunicorn with `-c`: the first upload that is stored is never
answered; its worker writes its PID to a file and waits, so the test can kill it between
the commit and the answer (a submission stored but, to the client, lost)."""

import os
import time
from pathlib import Path


def post_worker_init(worker):
    from competition.api import views

    original = views.PhaseSubmissionsView.post
    marker = Path(os.environ["XACLE_TEST_MARKER"])

    def post(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        if response.status_code == 201 and not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(3600)
        return response

    views.PhaseSubmissionsView.post = post
