"""API tokens: made, regenerated and revoked by their owner on the API token page, stored
hashed, sent as `Authorization: Token KEY`, optionally expiring; plain tokens migrated."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import TokenInfo

pytestmark = pytest.mark.django_db

LIST = "/api/competitions/xacle/phases/validation/submissions/"


def api_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def create_on_page(client, name="laptop"):
    response = client.post("/accounts/tokens/new/", {"name": name}, follow=True)
    assert response.status_code == 200
    return response


def test_a_participant_creates_a_token_and_sees_it_once(as_alice, alice, competition):
    response = create_on_page(as_alice)
    key = response.context["new_key"]
    page = response.content.decode()
    assert f"export XACLE_TOKEN={key}" in page
    assert api_with(key).get(LIST).status_code == 200
    # Shown once: the next visit lists the token by its first characters only.
    again = as_alice.get("/accounts/tokens/").content.decode()
    assert key not in again and key[:8] in again and "laptop" in again


def test_only_a_digest_is_stored(alice):
    token, key = tokens.create(alice)
    stored = AuthToken.objects.get(pk=token.pk)
    assert key not in stored.digest and len(stored.digest) == 128
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        assert all(key not in str(value) for row in cursor.fetchall() for value in row)


def test_the_page_shows_when_a_token_was_made_and_last_used(as_alice, alice, competition):
    token, key = tokens.create(alice, "ci")
    assert "never" in as_alice.get("/accounts/tokens/").content.decode()
    api_with(key).get(LIST)
    token.info.refresh_from_db()
    assert token.info.last_used_at is not None
    page = as_alice.get("/accounts/tokens/").content.decode()
    assert token.info.last_used_at.strftime("%Y-%m-%d %H:%M") in page


def test_regenerating_replaces_the_key(as_alice, alice, competition):
    token, old = tokens.create(alice, "laptop")
    response = as_alice.post(f"/accounts/tokens/{token.token_key}/regenerate/", follow=True)
    new = response.context["new_key"]
    assert new != old
    assert api_with(old).get(LIST).status_code == 401
    assert api_with(new).get(LIST).status_code == 200
    assert AuthToken.objects.get(user=alice).info.name == "laptop"


def test_revoking_stops_the_token(as_alice, alice, competition):
    token, key = tokens.create(alice)
    as_alice.post(f"/accounts/tokens/{token.token_key}/revoke/")
    assert api_with(key).get(LIST).status_code == 401
    assert not AuthToken.objects.filter(user=alice).exists()


def test_nobody_touches_another_users_token(as_bob, alice, competition):
    token, key = tokens.create(alice)
    assert as_bob.post(f"/accounts/tokens/{token.token_key}/revoke/").status_code == 404
    assert as_bob.post(f"/accounts/tokens/{token.token_key}/regenerate/").status_code == 404
    assert api_with(key).get(LIST).status_code == 200


def test_the_token_pages_need_an_account_and_a_post(anonymous, as_alice):
    assert anonymous.get("/accounts/tokens/").status_code == 302
    assert anonymous.post("/accounts/tokens/new/").status_code == 302
    assert as_alice.get("/accounts/tokens/new/").status_code == 405


def test_a_wrong_token_is_refused(competition):
    response = api_with("0" * 64).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_tokens_expire_after_the_setting(settings, alice, competition):
    settings.API_TOKEN_TTL_DAYS = 30
    token, key = tokens.create(alice)
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert api_with(key).get(LIST).status_code == 401


def test_tokens_never_expire_by_default(alice):
    token, _ = tokens.create(alice)
    assert token.expiry is None


def test_drf_create_token_prints_a_working_key(alice, competition):
    out = io.StringIO()
    call_command("drf_create_token", "alice", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("Generated token ") and line.endswith(" for user alice")
    key = line.split()[2]
    assert api_with(key).get(LIST).status_code == 200
    assert not AuthToken.objects.filter(digest__contains=key).exists()


def test_drf_create_token_reset_revokes_the_others(alice, competition):
    _, old = tokens.create(alice)
    call_command("drf_create_token", "alice", "--reset", stdout=io.StringIO())
    assert api_with(old).get(LIST).status_code == 401
    assert AuthToken.objects.filter(user=alice).count() == 1


def test_drf_create_token_names_a_missing_user(db):
    with pytest.raises(CommandError, match="user nobody does not exist"):
        call_command("drf_create_token", "nobody", stdout=io.StringIO())


def test_plain_tokens_are_migrated_and_keep_working(alice, competition):
    """A database from before: DRF's authtoken table with a plain key."""
    from accounts.migrations import _plain_tokens

    key = "3f1c9a0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [key, timezone.now() - timedelta(days=40), alice.pk],
        )
    from django.apps import apps

    _plain_tokens.migrate(apps, connection.schema_editor())
    token = AuthToken.objects.get(user=alice)
    assert token.digest != key and token.info.name == "migrated"
    assert timezone.now() - token.created > timedelta(days=39)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # no plain key is left behind
    assert api_with(key).get(LIST).status_code == 200


def test_a_token_expiring_between_two_requests_is_refused_on_the_second(
    settings, alice, competition
):
    settings.API_TOKEN_TTL_DAYS = 30
    token, key = tokens.create(alice)
    assert api_with(key).get(LIST).status_code == 200
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert api_with(key).get(LIST).status_code == 401


def test_repeated_requests_keep_the_token_bookkeeping_to_once_a_minute(
    settings, alice, competition
):
    settings.API_TOKEN_TTL_DAYS = 30
    token, key = tokens.create(alice)
    old, _ = tokens.create(alice)
    client = api_with(key)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(LIST)
        first = TokenInfo.objects.get(token=token).last_used_at
        AuthToken.objects.filter(pk=old.pk).update(expiry=timezone.now() - timedelta(seconds=1))
        clock.shift(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        bookkeeping = [q["sql"] for q in queries if "accounts_tokeninfo" in q["sql"]]
        others = [q["sql"] for q in queries if 'WHERE "knox_authtoken"."user_id"' in q["sql"]]
        assert bookkeeping == [] and others == []  # within the minute: nothing written or read
        assert AuthToken.objects.filter(pk=old.pk).exists()
        clock.shift(timedelta(seconds=31))
        assert client.get(LIST).status_code == 200
        assert TokenInfo.objects.get(token=token).last_used_at > first
        assert not AuthToken.objects.filter(pk=old.pk).exists()  # expired ones cleaned up
