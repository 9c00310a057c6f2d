"""Safe names (issue 12): user, team and system names refuse control, direction-changing
and invisible characters, and are compared after NFKC and case folding; racing requests
for one team name get the form's message, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from competition import names, submitting
from competition.forms import TeamCreateForm
from competition.models import TAKEN_TEAM_NAME, Submission, Team
from tests.factories import make_team, make_user, upload

pytestmark = pytest.mark.django_db

INVISIBLE = ["\x1b", "\x07", "\n", "\r", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x00"]


def test_canonical_folds_width_case_and_compatibility_forms():
    assert names.canonical("ａｌｉｃｅ") == names.canonical("ALICE") == "alice"
    assert names.canonical("Straße") == names.canonical("STRASSE")
    assert names.canonical("ﬁsh") == "fish"
    assert names.canonical("Kelvin\u212a") == names.canonical("kelvink")


def sign_up(name):
    password = "another-long-passphrase-77"
    client = Client()
    response = client.post(
        "/accounts/signup/", {"username": name, "password1": password, "password2": password}
    )
    return response


@pytest.mark.parametrize("look_alike", ["ａｌｉｃｅ", "ALICE", "Alice"])
def test_a_look_alike_user_name_is_refused(alice, look_alike):
    response = sign_up(look_alike)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_a_look_alike_of_a_non_ascii_user_name_is_refused(db):
    make_user("Straße")
    assert "already exists" in sign_up("strasse").content.decode()
    assert sign_up("strasse2").status_code == 302


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_user_name_with_invisible_characters_is_refused(db, char):
    assert sign_up(f"mal{char}lory").status_code == 200
    assert not get_user_model().objects.exists()


def create_team(client, name):
    return client.post("/c/xacle/team/", {"action": "create", "new-name": name})


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_team_name_with_control_or_invisible_characters_is_refused(competition, as_bob, char):
    # Issue 12's reproducer: ESC, BEL, line ends and right-to-left overrides were taken.
    response = create_team(as_bob, f"Evil{char}Team")
    assert response.status_code == 400
    if char != "\x00":  # a NUL is refused before any form sees it
        assert "cannot be shown safely" in response.content.decode()
    assert not Team.objects.filter(name__startswith="Evil").exists()


@pytest.mark.parametrize("look_alike", ["AURORA", "ａｕｒｏｒａ", " aurora "])
def test_a_look_alike_team_name_is_refused(competition, aurora, bob, look_alike):
    client = Client()
    client.force_login(bob)
    response = create_team(client, look_alike)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Team.objects.count() == 1


def test_a_team_name_with_ordinary_unicode_is_taken(competition, bob):
    client = Client()
    client.force_login(bob)
    assert create_team(client, "Équipe Zürich 東京").status_code == 302
    assert Team.objects.get().name == "Équipe Zürich 東京"


def test_a_racing_request_for_the_same_name_gets_the_forms_message(
    competition, alice, bob, monkeypatch
):
    """The other request takes the name between this one's check and its insert: the
    database's unique canonical name refuses it, and the form says so (no 500)."""
    original = TeamCreateForm.clean_name

    def clean_then_lose_the_race(form):
        name = original(form)
        make_team(competition, name.upper(), alice)  # the rival commits first
        return name

    monkeypatch.setattr(TeamCreateForm, "clean_name", clean_then_lose_the_race)
    client = Client()
    client.force_login(bob)
    response = create_team(client, "Aurora")
    assert response.status_code == 400
    assert TAKEN_TEAM_NAME in response.content.decode()
    assert list(Team.objects.values_list("name", flat=True)) == ["AURORA"]


def test_the_admin_refuses_a_look_alike_team_name(competition, aurora, as_olga):
    response = as_olga.post(
        "/admin/competition/team/add/",
        {"competition": competition.pk, "name": "ＡＵＲＯＲＡ", "invite_code": "abc123xyz"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Team.objects.count() == 1


def test_a_team_of_one_never_takes_a_look_alike_name(competition, validation, bob):
    make_team(competition, "BOB")
    team = submitting.team_for(bob, competition)
    assert team.name == "bob-2"


# --- system names -----------------------------------------------------------------------------


def api_upload(client, phase, system):
    url = f"/api/competitions/xacle/phases/{phase.kind}/submissions/"
    return client.post(url, {"system_name": system, "file": upload(phase)})


@pytest.mark.parametrize("system", ["Baseline_2026", "Heron_Lab_01", "a.b-c_d", "x" * 64])
def test_system_names_follow_the_rule(api_alice, validation, system):
    assert api_upload(api_alice, validation, system).status_code == 201


@pytest.mark.parametrize(
    "system, says",
    [
        ("two words", "holds ' '"),
        ("Équipe_01", "holds 'É'"),
        ("x" * 65, "is 65 characters long"),
        ("a\u202eb", "U+202E"),
        ("=HYPERLINK(1)", "holds '='"),
    ],
)
def test_other_system_names_are_refused_with_the_rule(api_alice, validation, system, says):
    response = api_upload(api_alice, validation, system)
    assert response.status_code == 400
    message = response.json()["errors"][0]
    assert says in message and names.SYSTEM_NAME_RULE in message
    assert not Submission.objects.exists()


def test_the_form_shows_the_system_name_rule(as_alice, competition):
    assert names.SYSTEM_NAME_RULE in as_alice.get("/c/xacle/submit/").content.decode()


def test_a_look_alike_of_the_teams_own_system_name_is_refused(api_alice, api_bob, validation):
    assert api_upload(api_alice, validation, "Aurora_01").status_code == 201
    assert api_upload(api_alice, validation, "Aurora_01").status_code == 201  # the same system
    refused = api_upload(api_alice, validation, "AURORA_01")
    assert refused.status_code == 400
    assert "already has a system named Aurora_01" in refused.json()["errors"][0]
    assert api_upload(api_bob, validation, "aurora_01").status_code == 201  # another team


def test_a_team_name_that_normalises_far_longer_is_refused(competition, as_bob):
    response = create_team(as_bob, "\ufdfa" * 20)  # each NFKC-normalises to 18 characters
    assert response.status_code == 400
    assert "far longer" in response.content.decode()
    assert not Team.objects.filter(name__startswith="\ufdfa").exists()
