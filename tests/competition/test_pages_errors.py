"""Error pages in the site's style; never a traceback with DEBUG off."""

import pytest
from django.test import Client

from competition.views import pages

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_404_in_the_sites_style(anonymous, competition):
    response = anonymous.get("/c/nope/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and "site.css" in page


def test_a_server_error_shows_no_traceback(competition, monkeypatch, settings):
    settings.DEBUG = False

    def broken(request, slug):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pages, "get_competition", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/c/xacle/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "site.css" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_an_expired_form_is_a_403_in_the_sites_style(competition):
    response = Client(enforce_csrf_checks=True).post("/accounts/signup/", {})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_the_admin_is_for_organizers_only(as_alice, as_olga):
    assert as_alice.get("/admin/").status_code == 302
    assert as_olga.get("/admin/").status_code == 200
