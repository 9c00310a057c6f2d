"""Teams: create one, join one with its invite code, see the members."""

import pytest

from competition import submitting
from competition.models import Membership, Team
from tests.factories import make_team, upload

pytestmark = pytest.mark.django_db


def test_a_participant_creates_a_team(competition, alice, client):
    client.force_login(alice)
    response = client.post("/c/xacle/team/", {"action": "create", "new-name": "Aurora"})
    assert response.status_code == 302
    team = Team.objects.get(competition=competition, name="Aurora")
    assert list(team.members.all()) == [alice]


def test_the_team_page_lists_members_and_the_invite_code(as_alice, aurora, bob):
    Membership.objects.create(team=aurora, user=bob)
    page = as_alice.get("/c/xacle/team/").content.decode()
    assert "Aurora" in page and "alice" in page and "bob" in page
    assert aurora.invite_code in page


def test_joining_with_an_invite_code(competition, aurora, alice, bob, client):
    client.force_login(bob)
    response = client.post(
        "/c/xacle/team/", {"action": "join", "join-invite_code": aurora.invite_code}
    )
    assert response.status_code == 302
    assert set(aurora.members.values_list("username", flat=True)) == {"alice", "bob"}
    assert Membership.objects.get(user=bob).team == aurora


def test_a_wrong_invite_code_is_refused(competition, bob, client):
    client.force_login(bob)
    response = client.post("/c/xacle/team/", {"action": "join", "join-invite_code": "nope"})
    assert response.status_code == 400
    assert "No team of this competition has this invite code" in response.content.decode()
    assert not Membership.objects.filter(user=bob).exists()


def test_an_organizer_team_cannot_be_joined(competition, bob, client):
    organizers = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    client.force_login(bob)
    client.post("/c/xacle/team/", {"action": "join", "join-invite_code": organizers.invite_code})
    assert not Membership.objects.filter(user=bob).exists()


def test_a_team_name_is_taken_once(competition, aurora, bob, client):
    client.force_login(bob)
    response = client.post("/c/xacle/team/", {"action": "create", "new-name": "aurora"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_a_team_of_one_without_submissions_may_be_left_for_another(
    competition, aurora, bob, client
):
    solo = submitting.team_for(bob, competition)  # what an upload would have made
    client.force_login(bob)
    client.post("/c/xacle/team/", {"action": "join", "join-invite_code": aurora.invite_code})
    assert Membership.objects.get(user=bob).team == aurora
    assert not Team.objects.filter(pk=solo.pk).exists()


def test_a_team_with_submissions_is_kept(competition, validation, aurora, borealis, bob, client):
    submitting.submit(validation, borealis, "Borealis_01", upload(validation))
    client.force_login(bob)
    response = client.post(
        "/c/xacle/team/", {"action": "join", "join-invite_code": aurora.invite_code}
    )
    assert response.status_code == 400
    assert "leave it first" in response.content.decode()
    assert Membership.objects.get(user=bob).team == borealis


def test_a_team_with_other_members_is_kept(competition, aurora, bob, alice, client):
    Membership.objects.create(team=aurora, user=bob)
    other = make_team(competition, "Other")
    client.force_login(bob)
    client.post("/c/xacle/team/", {"action": "join", "join-invite_code": other.invite_code})
    assert Membership.objects.get(user=bob).team == aurora


def test_a_participant_alone_gets_a_team_of_one_on_first_upload(
    competition, validation, alice, client
):
    client.force_login(alice)
    client.post(
        "/c/xacle/submit/",
        {"phase": "validation", "system_name": "solo_01", "file": upload(validation)},
    )
    team = Membership.objects.get(user=alice).team
    assert team.name == "alice" and team.submissions.count() == 1
