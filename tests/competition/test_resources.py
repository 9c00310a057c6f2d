"""Declared resources: refused at once after the cutoff with both dates, reviewed by the
organizers in the admin with a reason the team sees, the approved list public."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client

from competition.models import Competition, ResourceDeclaration
from tests.factories import write_dataset

URL = "/api/competitions/xacle/resources/"
MODEL = {
    "kind": "model", "name": "M2D-CLAP", "url": "https://github.com/nttcslab/m2d",
    "release_date": "2024-06-01", "trained_on": "AudioSet",
}  # fmt: skip


@pytest.fixture
def cutoff(competition):
    competition.resource_cutoff = datetime.date(2025, 5, 31)
    competition.save()
    return competition


def test_declare_as_json(api_alice, cutoff, aurora):
    response = api_alice.post(URL, MODEL, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["name"] == "M2D-CLAP"
    assert ResourceDeclaration.objects.get().team == aurora


def test_declare_as_a_form(api_alice, cutoff):
    data = {**MODEL, "kind": "dataset", "name": "Clotho", "trained_on": ""}
    assert api_alice.post(URL, data, format="multipart").status_code == 201


def test_a_resource_released_after_the_cutoff_is_refused_with_both_dates(api_alice, cutoff):
    response = api_alice.post(URL, {**MODEL, "release_date": "2025-06-10"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            "release_date: M2D-CLAP was released on 2025-06-10, after the competition's cutoff "
            "of 2025-05-31: only resources released on or before the cutoff may be used."
        ]
    }
    assert ResourceDeclaration.objects.count() == 0


def test_on_the_cutoff_day_is_allowed(api_alice, cutoff):
    response = api_alice.post(URL, {**MODEL, "release_date": "2025-05-31"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"kind": "code"}, "kind: Select a valid choice."),
        ({"release_date": "31/05/2025"}, "release_date: Enter a valid date."),
        ({"url": "not a url"}, "url: Enter a valid URL."),
        ({"trained_on": ""}, "trained_on: Say what the model was trained on."),
        ({"name": ""}, "name: This field is required."),
    ],
)
def test_each_field_is_checked(api_alice, cutoff, change, expected):
    response = api_alice.post(URL, {**MODEL, **change}, format="json")
    assert response.status_code == 400
    assert any(e.startswith(expected) for e in response.json()["errors"]), response.json()


def test_the_same_resource_twice(api_alice, api_bob, cutoff):
    api_alice.post(URL, MODEL, format="json")
    response = api_bob.post(URL, {**MODEL, "name": "m2d clap"}, format="json")
    assert response.json()["errors"] == ["name: m2d clap is declared already (pending)."]


def test_anonymous_may_not_declare(api_anonymous, cutoff):
    assert api_anonymous.post(URL, MODEL, format="json").status_code in (401, 403)


def test_approval_in_the_admin_is_seen_by_the_team(api_alice, as_alice, as_olga, anonymous, cutoff):
    declared = api_alice.post(URL, MODEL, format="json").json()
    assert api_alice.get(URL).json()["approved"] == []
    change = f"/admin/competition/resourcedeclaration/{declared['id']}/change/"
    form = {**MODEL, "status": "rejected", "reason": ""}
    response = as_olga.post(change, form)
    assert response.status_code == 200  # a rejection needs a reason
    assert "Say why it is rejected" in response.content.decode()
    as_olga.post(change, {**form, "reason": "Trained on the test clips."})
    mine = api_alice.get(URL).json()["declared_by_your_team"][0]
    assert mine["status"] == "rejected" and mine["reason"] == "Trained on the test clips."
    assert "Trained on the test clips." in as_alice.get("/c/xacle/systems/").content.decode()
    as_olga.post(change, {**form, "status": "approved", "reason": "Fine."})
    approved = api_alice.get(URL).json()["approved"]
    assert [r["name"] for r in approved] == ["M2D-CLAP"]
    assert ResourceDeclaration.objects.get().reviewed_at is not None
    # Public: on the competition's page and the API for everyone.
    assert "M2D-CLAP" in anonymous.get("/c/xacle/").content.decode()
    assert [r["name"] for r in anonymous.get(URL).json()["approved"]] == ["M2D-CLAP"]


def test_the_admin_action_approves(api_alice, as_olga, cutoff):
    declared = api_alice.post(URL, MODEL, format="json").json()
    as_olga.post(
        "/admin/competition/resourcedeclaration/",
        {"action": "approve", "_selected_action": [declared["id"]]},
    )
    assert ResourceDeclaration.objects.get().status == "approved"


def test_pending_and_rejected_are_not_public(api_alice, anonymous, cutoff):
    api_alice.post(URL, MODEL, format="json")
    assert "M2D-CLAP" not in anonymous.get("/c/xacle/").content.decode()


def test_the_page_declares_too(as_alice, cutoff):
    form = {f"resource-{k}": v for k, v in MODEL.items()}
    response = as_alice.post("/c/xacle/systems/", {**form, "action": "declare"})
    assert response.status_code == 302
    late = {**form, "resource-release_date": "2025-07-01", "resource-name": "Late"}
    response = as_alice.post("/c/xacle/systems/", {**late, "action": "declare"})
    assert response.status_code == 400
    assert "after the competition&#x27;s cutoff of 2025-05-31" in response.content.decode()


def test_import_dataset_sets_the_cutoff(tmp_path, db):
    root = write_dataset(tmp_path)
    call_command("import_dataset", str(root), "--competition", "c1", "--resource-cutoff",
                 "2025-05-31")  # fmt: skip
    assert Competition.objects.get(slug="c1").resource_cutoff == datetime.date(2025, 5, 31)


def test_a_declaration_that_is_not_an_object(api_alice, cutoff):
    response = api_alice.post(URL, [MODEL], format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": ["Send the declaration as an object (JSON) or a form."]}


def test_your_systems_page_without_a_team(bob, cutoff):
    client = Client()
    client.force_login(bob)
    page = client.get("/c/xacle/systems/")
    assert page.status_code == 200 and "You have no team yet" in page.content.decode()
