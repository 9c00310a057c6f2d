"""Settings come from the environment; a malformed value stops start-up naming it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = "import django; django.setup(); from django.conf import settings as s; print(repr(({})))"


def settings_of(tmp_path, expression, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    clean.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(expression)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_the_embedded_default_keeps_everything_under_var_dir(tmp_path):
    result = settings_of(
        tmp_path,
        "s.DEBUG, s.ALLOWED_HOSTS, str(s.DATABASES['default']['NAME']), s.CELERY_BROKER_URL, "
        "str(s.MEDIA_ROOT)",
        CELERY_BROKER_URL="filesystem://",
    )
    assert result.returncode == 0, result.stderr
    debug, hosts, db, broker, media = ast.literal_eval(result.stdout)
    assert debug is False
    assert hosts == ["localhost", "127.0.0.1"]
    assert Path(db).parent == tmp_path
    assert broker == "filesystem://"
    assert str(media).startswith(str(tmp_path))
    assert (tmp_path / "broker" / "queue").is_dir()


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    first = settings_of(tmp_path, "s.SECRET_KEY").stdout
    second = settings_of(tmp_path, "s.SECRET_KEY").stdout
    assert first == second and len(first.strip()) > 40


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("SUBMISSION_MAX_BYTES", "ten"),
        ("CELERY_BROKER_URL", "pigeon://loft"),
        ("STALE_QUEUED_SECONDS", "-5"),
        ("THROTTLE_UPLOADS", "lots"),
        ("CACHE_URL", "memcached://x"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "two"),
        ("HTTPS", "maybe"),
        ("PUBLIC_SCORE_DECIMALS", "-1"),
        ("THROTTLE_SIGNUP", "many"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    result = settings_of(tmp_path, "s.DEBUG", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
