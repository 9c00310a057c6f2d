import os
import warnings

from celery import Celery
from celery.exceptions import SecurityWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if os.environ.get("XACLE_EMBEDDED_ROOT_OK") == "1":
    # bin/run on a laptop as root has said once why that is fine there; Celery's long
    # warning about it is dropped (it stays for every other worker).
    warnings.filterwarnings("ignore", category=SecurityWarning)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
