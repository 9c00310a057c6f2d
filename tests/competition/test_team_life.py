"""Teams over a competition's life: a size limit, leaving, a new invite code, and
manage.py submit --team finding teams the way the form compares names."""

import io

import pytest
from django.core.management import CommandError, call_command

from competition import teams
from competition.models import Membership, Submission, Team
from tests.factories import csv_bytes, make_team, make_user

pytestmark = pytest.mark.django_db


def join(client, code):
    return client.post("/c/xacle/team/", {"action": "join", "join-invite_code": code})


def test_a_full_team_refuses_another_member(competition, aurora, client):
    competition.max_team_size = 2
    competition.save()
    carol, dave = make_user("carol"), make_user("dave")
    client.force_login(carol)
    assert join(client, aurora.invite_code).status_code == 302
    client.force_login(dave)
    response = join(client, aurora.invite_code)
    assert response.status_code == 400
    assert "Team Aurora is full: it has the 2 members a team may have." in response.content.decode()
    assert aurora.memberships.count() == 2
    with pytest.raises(teams.TeamError, match="is full"):
        teams.join(aurora, dave)


def test_a_size_of_zero_means_no_limit(competition, aurora):
    competition.max_team_size = 0
    competition.save()
    for number in range(7):
        teams.join(aurora, make_user(f"member{number}"))
    assert aurora.memberships.count() == 8


def test_the_default_size_is_five(competition):
    assert competition.max_team_size == 5


def test_a_member_leaves_and_the_team_keeps_its_submissions(
    as_alice, alice, aurora, validation, scored_submission
):
    submission = scored_submission(validation, aurora)
    response = as_alice.post("/c/xacle/team/", {"action": "leave"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=alice).exists()
    assert Team.objects.get(pk=aurora.pk).submissions.get() == submission
    page = as_alice.get("/c/xacle/team/").content.decode()
    assert "You are not in a team yet" in page and "Create a team" in page
    board = as_alice.get("/c/xacle/leaderboard/validation/").content.decode()
    assert "Aurora" in board and ">no members</span>" in board
    api = as_alice.get("/api/competitions/xacle/phases/validation/leaderboard/").json()
    assert api["rows"][0]["team"] == "Aurora" and api["rows"][0]["no_members"] is True
    admin_listing = make_user("olga", staff=True)
    from django.test import Client

    staff = Client()
    staff.force_login(admin_listing)
    assert "(no members)" in staff.get("/admin/competition/team/").content.decode()


def test_an_unused_team_left_empty_is_removed(as_alice, aurora):
    as_alice.post("/c/xacle/team/", {"action": "leave"})
    assert not Team.objects.filter(pk=aurora.pk).exists()


def test_a_member_may_leave_a_team_with_others_and_join_another(
    as_alice, alice, aurora, borealis, bob, validation
):
    Membership.objects.create(team=aurora, user=make_user("carol"))
    refused = join(as_alice, borealis.invite_code)
    assert refused.status_code == 400 and "leave it first" in refused.content.decode()
    as_alice.post("/c/xacle/team/", {"action": "leave"})
    assert join(as_alice, borealis.invite_code).status_code == 302
    assert Membership.objects.get(user=alice).team == borealis
    assert aurora.memberships.count() == 1


def test_a_new_invite_code_revokes_the_old_one(as_alice, aurora, client):
    old = aurora.invite_code
    response = as_alice.post("/c/xacle/team/", {"action": "regenerate"})
    assert response.status_code == 302
    aurora.refresh_from_db()
    assert aurora.invite_code != old
    client.force_login(make_user("carol"))
    refused = join(client, old)
    assert refused.status_code == 400 and "No team of this competition" in refused.content.decode()
    assert join(client, aurora.invite_code).status_code == 302


# manage.py submit --team


@pytest.fixture
def csv_file(tmp_path, validation):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(validation))
    return str(path)


def submit(csv_file, team, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "submit", csv_file, competition="xacle", phase="validation", team=team, system="S_01",
        stdout=out, stderr=err, **options,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


def test_submit_refuses_an_unknown_team_unless_create_team(competition, aurora, csv_file, enqueued):
    with pytest.raises(CommandError, match="no team 'Auroraa'; check the name, or add --create"):
        submit(csv_file, "Auroraa")
    assert not Team.objects.filter(name="Auroraa").exists()
    out, err = submit(csv_file, "Auroraa", create_team=True)
    assert "Created team Auroraa." in err
    assert Submission.objects.get(pk=int(out)).team.name == "Auroraa"


def test_submit_matches_team_names_as_the_form_compares_them(competition, csv_file, enqueued):
    team = make_team(competition, "Ｃafé Lab")  # a full-width C
    out, _ = submit(csv_file, "CAFÉ LAB")
    assert Submission.objects.get(pk=int(out)).team == team


def test_the_organizers_team_is_not_a_participants_team(competition, csv_file, enqueued):
    Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    with pytest.raises(CommandError, match="no team"):
        submit(csv_file, "Organizers")
