"""Every door is throttled with one mechanism (issue 12): the upload form shares the API's
upload budget, sign-up and password reset are limited per address, failed log-ins lock out
per normalised user name and per address on the site and /admin/login/, and the client
address comes from X-Forwarded-For only as far as TRUSTED_PROXIES says."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from competition.models import Submission
from competition.throttling import PasswordResetThrottle, client_address, throttle
from tests.factories import PASSWORD, upload

pytestmark = pytest.mark.django_db

API = "/api/competitions/xacle/phases/validation/submissions/"
RATES = {"uploads": "2/min", "user": "50/min", "anon": "3/min", "signup": "2/min",
         "password_reset": "2/min"}  # fmt: skip


@pytest.fixture
def tight_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", RATES)


def form_post(client, phase):
    data = {"phase": "validation", "system_name": "Aurora_01", "file": upload(phase)}
    return client.post("/c/xacle/submit/", data)


def test_the_upload_form_shares_the_api_upload_limit(as_alice, api_alice, validation, tight_rates):
    assert form_post(as_alice, validation).status_code == 302
    api = api_alice.post(API, {"system_name": "Aurora_01", "file": upload(validation)})
    assert api.status_code == 201
    throttled = form_post(as_alice, validation)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "Too many requests" in throttled.content.decode()
    again = api_alice.post(API, {"system_name": "Aurora_01", "file": upload(validation)})
    assert again.status_code == 429
    assert Submission.objects.count() == 2
    assert as_alice.get("/c/xacle/submit/").status_code == 200  # reading the form costs nothing


def test_the_upload_form_is_limited_per_user_not_per_address(
    as_alice, as_bob, validation, tight_rates
):
    for _ in range(2):
        form_post(as_alice, validation)
    assert form_post(as_alice, validation).status_code == 429
    assert form_post(as_bob, validation).status_code == 302


def sign_up(address, name, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    password = "another-long-passphrase-77"
    return Client(REMOTE_ADDR=address).post(
        "/accounts/signup/",
        {"username": name, "password1": password, "password2": password},
        **extra,
    )


def test_sign_up_is_limited_per_client_address(competition, tight_rates):
    assert sign_up("10.0.0.1", "carol").status_code == 302
    assert sign_up("10.0.0.1", "dave").status_code == 302
    refused = sign_up("10.0.0.1", "erin")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert not get_user_model().objects.filter(username="erin").exists()
    assert sign_up("10.0.0.2", "erin").status_code == 302


def test_password_reset_is_limited_per_client_address(db, tight_rates):
    def reset(address):
        client = Client(REMOTE_ADDR=address)
        return client.post("/accounts/password/reset/", {"email": "x@example.org"}).status_code

    assert [reset("10.0.0.7") for _ in range(3)] == [302, 302, 429]
    assert reset("10.0.0.6") == 302


def test_any_view_takes_the_same_throttle(tight_rates):
    view = throttle(PasswordResetThrottle)(lambda request: HttpResponse("sent"))
    factory = RequestFactory()
    answers = [view(factory.post("/reset/", REMOTE_ADDR="10.0.0.9")).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert view(factory.post("/reset/", REMOTE_ADDR="10.0.0.8")).status_code == 200
    assert view(factory.get("/reset/", REMOTE_ADDR="10.0.0.9")).status_code == 200


def log_in(address, username, password, url="/accounts/login/"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(url, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def test_admin_log_in_locks_out_after_repeated_failures(olga, settings):
    # Issue 12's reproducer: 30 wrong passwords on /admin/login/, then the right one worked.
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        log_in("10.0.0.1", "olga", "wrong", "/admin/login/")
    response, logged_in = log_in("10.0.0.1", "olga", PASSWORD, "/admin/login/")
    assert response.status_code == 429 and not logged_in
    assert "Too many failed log-ins" in response.content.decode()


def test_failures_count_per_user_name_from_any_address(alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for number in range(3):
        log_in(f"10.0.1.{number}", "alice", "wrong")
    response, logged_in = log_in("10.0.2.1", "alice", PASSWORD)
    assert response.status_code == 429 and not logged_in


def test_a_look_alike_user_name_shares_the_count(alice, settings):
    # Issue 12's reproducer: ａｌｉｃｅ (full width) got 10 more tries at alice.
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("alice", "ａｌｉｃｅ", "ALICE"):
        log_in("10.0.3.1", name, "wrong")
    response, logged_in = log_in("10.0.3.2", "alice", PASSWORD)
    assert response.status_code == 429 and not logged_in


def test_failures_count_per_address_across_user_names(alice, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("nobody1", "nobody2", "nobody3"):
        log_in("10.0.4.1", name, "wrong")
    response, logged_in = log_in("10.0.4.1", "bob", PASSWORD)
    assert response.status_code == 429 and not logged_in
    assert log_in("10.0.4.2", "bob", PASSWORD)[1]


def test_rotating_x_forwarded_for_does_not_reset_the_anonymous_throttle(competition, tight_rates):
    # Issue 12's reproducer: the anonymous throttle trusted X-Forwarded-For.
    client = APIClient(REMOTE_ADDR="10.0.5.1")
    answers = [
        client.get("/api/competitions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]


def test_behind_trusted_proxies_the_forwarded_client_is_counted(competition, tight_rates, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.254")
    # The client may put anything on the left; the proxy appends the address it saw.
    for n in range(3):
        response = proxy.get("/api/competitions/", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 198.51.100.7")
        assert response.status_code == 200
    assert proxy.get("/api/competitions/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert proxy.get("/api/competitions/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_an_organizer_lifts_a_lockout(alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        log_in("10.0.6.1", "ALICE", "wrong")
    assert log_in("10.0.6.2", "alice", PASSWORD)[0].status_code == 429
    call_command("axes_reset_username", "alice", stdout=io.StringIO())
    call_command("axes_reset_ip", "10.0.6.1", stdout=io.StringIO())
    assert log_in("10.0.6.1", "alice", PASSWORD)[1]
