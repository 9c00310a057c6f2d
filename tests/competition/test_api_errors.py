"""Every API error is JSON {"errors": [...]}, whatever failed: never an HTML page."""

import pytest
from django.db import OperationalError
from django.test import Client

from competition.api import errors, views

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_json_404(api_anonymous):
    response = api_anonymous.get("/api/no/such/thing/")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Not found."]}


def test_a_missing_token_is_a_json_401(api_anonymous, competition):
    response = api_anonymous.get("/api/submissions/1/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    assert response.json() == {"errors": ["Invalid token."]}


def test_a_bug_is_a_json_500_with_no_traceback(api_anonymous, competition, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.CompetitionView, "get", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/competitions/xacle/")
    assert response.status_code == 500
    assert response.json() == {"errors": [errors.SERVER_ERROR]}
    assert b"secret" not in response.content


def test_a_database_outage_is_a_json_503_to_retry(api_alice, validation, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "accept_upload", down)
    answer = api_alice.post(
        "/api/competitions/xacle/phases/validation/submissions/", {"system_name": "x"}
    )
    assert answer.status_code == 503 and answer["Retry-After"] == "1"
    assert answer.json() == {"errors": [errors.UNAVAILABLE]}


def test_an_html_page_is_still_html_outside_the_api(anonymous, competition):
    response = anonymous.get("/no/such/page/")
    assert response.status_code == 404 and b"<html" in response.content.lower()
