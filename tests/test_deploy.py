"""Deployment checks (issue 12): `manage.py check --deploy` passes with the production
settings the README gives; the pages send a Content-Security-Policy without inline
scripts; behind HTTPS, HSTS and secure cookies come from the settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_block(name: str) -> str:
    text = (ROOT / "README.md").read_text()
    block = re.search(f"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, re.S).group(1)
    return "\n".join(line.strip() for line in block.splitlines())


def test_check_deploy_passes_with_the_readmes_production_settings(tmp_path):
    settings = readme_block("production-settings")
    assert "HTTPS=1" in settings and "SECRET_KEY" in settings
    script = f"{settings}\nexec {sys.executable} manage.py check --deploy --fail-level WARNING"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DEBUG"))}
    env.update(VAR_DIR=str(tmp_path), PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
    done = subprocess.run(
        ["bash", "-euc", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_without_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DEBUG"))}
    env.update(VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0 and "security.W004" in done.stderr


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "nonce" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    docs = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", docs)  # no inline script body


def test_no_template_has_an_inline_script_or_handler():
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("competition/templates/**/*.html")]
    assert templates
    for path in templates:
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


@pytest.mark.django_db
def test_behind_https_hsts_and_secure_cookies(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains")
    assert response.cookies["csrftoken"]["secure"] is True


def test_https_turns_on_hsts_redirect_and_secure_cookies(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DEBUG"))}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    for extra, expected in [
        ({}, "False 0 False False None"),
        ({"HTTPS": "1"}, "True 31536000 True True None"),
        ({"HTTPS": "1", "TRUSTED_PROXIES": "1"},
         "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"),
    ]:  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env={**env, **extra},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.stdout.strip() == expected, done.stderr
