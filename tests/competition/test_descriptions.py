"""System descriptions: given with the upload, by PUT, on the system's page; seen by the
team and organizers, by everyone after the reveal; required of final systems where the
phase says so; the template and the command."""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from competition import reveal, standings
from competition.models import ResourceDeclaration, Submission, SystemDescription
from scoring.description import parse
from tests.factories import description_yaml, make_team, scored, upload

URL = "/api/competitions/xacle/phases/{}/teams/{}/systems/{}/description/"
SUBMIT = "/api/competitions/xacle/phases/validation/submissions/"


def put(client, text, phase="validation", team="Aurora", system="Aurora_01"):
    return client.put(URL.format(phase, quote(team), system), text, content_type="text/plain")


def get(client, phase="validation", team="Aurora", system="Aurora_01"):
    return client.get(URL.format(phase, quote(team), system))


@pytest.fixture
def system(validation, aurora):
    return scored(validation, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))


def test_the_upload_takes_a_description_as_text(api_alice, validation, aurora):
    response = api_alice.post(
        SUBMIT,
        {"system_name": "Aurora_01", "file": upload(validation),
         "description": description_yaml("Aurora_01")},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201
    stored = SystemDescription.objects.get(team=aurora, system_name="Aurora_01")
    assert stored.content["audio_encoders"] == ["M2D-CLAP"]


def test_the_upload_takes_a_description_file(api_alice, validation, aurora):
    file = SimpleUploadedFile("d.yaml", description_yaml("Aurora_01").encode())
    response = api_alice.post(
        SUBMIT, {"system_name": "Aurora_01", "file": upload(validation), "description": file},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201
    assert SystemDescription.objects.filter(team=aurora).count() == 1


def test_a_bad_description_refuses_the_upload(api_alice, validation):
    response = api_alice.post(
        SUBMIT,
        {"system_name": "Aurora_01", "file": upload(validation),
         "description": description_yaml("Other_01")},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert (
        "system_name: is 'Other_01', but the system is 'Aurora_01'." in response.json()["errors"][0]
    )
    assert SystemDescription.objects.count() == 0
    assert Submission.objects.count() == 0


def test_put_then_get_the_latest_stands(api_alice, system):
    assert put(api_alice, description_yaml("Aurora_01")).status_code == 200
    response = put(api_alice, description_yaml("Aurora_01", predictor="LSTM"))
    assert response.status_code == 200
    body = get(api_alice).json()
    assert body["description"]["predictor"] == "LSTM"
    assert body["system_name"] == "Aurora_01" and body["team"] == "Aurora"
    assert SystemDescription.objects.count() == 1


def test_put_names_the_field_and_the_line(api_alice, system):
    text = description_yaml("Aurora_01").replace("86000000", "86M")
    line = text.splitlines().index("parameters: 86M") + 1
    response = put(api_alice, text)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error.startswith(f"Line {line}: parameters: must be a whole number")


def test_put_names_the_yaml_syntax_error_line(api_alice, system):
    response = put(api_alice, "system_name: Aurora_01\nlosses: [MSE\n")
    assert response.json()["errors"][0].startswith("Line 3: YAML syntax error")


def test_a_description_naming_an_unapproved_resource_is_refused(
    api_alice, system, competition, alice
):
    ResourceDeclaration.objects.create(
        competition=competition, kind="model", name="BEATs", url="https://x.org",
        release_date="2022-12-01", trained_on="AudioSet",
    )  # fmt: skip
    text = description_yaml("Aurora_01", pretrained_models=["BEATs", "Secret-LM"])
    (error,) = put(api_alice, text).json()["errors"]
    assert "not approved" in error and "BEATs, Secret-LM" in error
    ResourceDeclaration.objects.filter(name="BEATs").update(status="approved")
    (error,) = put(api_alice, text).json()["errors"]
    assert "Secret-LM" in error and "BEATs" not in error
    # Names match whatever the spelling; the official data needs no declaration.
    text = description_yaml("Aurora_01", pretrained_models=["beats"], external_data=["XACLE"])
    assert put(api_alice, text).status_code == 200


def test_another_team_may_not_put(api_bob, system):
    assert put(api_bob, description_yaml("Aurora_01")).status_code == 403


def test_a_system_that_does_not_exist(api_alice, system):
    assert put(api_alice, description_yaml("Nope"), system="Nope").status_code == 404


def test_hidden_before_the_reveal_public_after(api_alice, api_bob, api_olga, api_anonymous,
                                                system, validation):  # fmt: skip
    put(api_alice, description_yaml("Aurora_01"))
    assert get(api_alice).status_code == 200
    assert get(api_olga).status_code == 200
    assert get(api_bob).status_code == 404
    assert get(api_anonymous).status_code == 404
    reveal.reveal(validation)
    assert get(api_bob).status_code == 200 and get(api_anonymous).status_code == 200
    # Revealed: descriptions are final.
    assert put(api_alice, description_yaml("Aurora_01")).status_code == 409


def test_the_system_page_edits_the_description(as_alice, as_bob, system, aurora):
    url = "/c/xacle/phases/validation/teams/Aurora/systems/Aurora_01/"
    page = as_alice.get(url).content.decode()
    assert "system_name: Aurora_01" in page  # the template, to start from
    response = as_alice.post(url, {"yaml": "system_name: Aurora_01\nlosses: [MSE\n"})
    assert response.status_code == 400 and "Line 2: YAML syntax error" in response.content.decode()
    response = as_alice.post(url, {"yaml": description_yaml("Aurora_01", predictor="SVR")})
    assert response.status_code == 302
    assert SystemDescription.objects.get(team=aurora).content["predictor"] == "SVR"
    assert "SVR" in as_alice.get(url).content.decode()
    assert as_bob.get(url).status_code == 404


def test_require_description_marks_final_systems_without_one(
    validation, aurora, borealis, as_alice, anonymous, api_alice
):
    scored(validation, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))
    scored(validation, borealis, "Borealis_01", (0.6, 0.5, 0.4, 2.0))
    standings.rebuild(validation)
    board = "/c/xacle/leaderboard/validation/?by=system"
    assert "no description" not in anonymous.get(board).content.decode()
    validation.require_description = True
    validation.save()
    assert anonymous.get(board).content.decode().count("no description") == 2
    assert (
        "missing: required for this final system"
        in as_alice.get("/c/xacle/systems/").content.decode()
    )
    put(api_alice, description_yaml("Aurora_01"))
    assert anonymous.get(board).content.decode().count("no description") == 1
    assert "missing: required" not in as_alice.get("/c/xacle/systems/").content.decode()


def test_the_template_download_is_valid(anonymous, competition):
    response = anonymous.get("/c/xacle/description_template.yaml?system=Team_01")
    assert response.status_code == 200
    assert parse(response.content, expected_name="Team_01").system_name == "Team_01"


def test_the_command_writes_and_checks_a_template(tmp_path, capsys):
    out = tmp_path / "d.yaml"
    call_command("description_template", "--system", "Team_01", "-o", str(out))
    assert parse(out.read_bytes(), expected_name="Team_01")
    call_command("description_template", "--check", str(out))
    assert "a valid description of Team_01" in capsys.readouterr().out
    out.write_text("system_name: x\nparameters: lots\n")
    with pytest.raises(CommandError, match="d.yaml, line 2: parameters: must be a whole number"):
        call_command("description_template", "--check", str(out))


def readme_yaml() -> str:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    return text.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_sample_and_its_messages(api_alice, validation, aurora, competition):
    scored(validation, aurora, "Sun_NPU_01", (0.5, 0.5, 0.4, 2.0))
    text = readme_yaml()
    # It names M2D-CLAP: refused until the resource is approved.
    assert "M2D-CLAP" in put(api_alice, text, system="Sun_NPU_01").json()["errors"][0]
    ResourceDeclaration.objects.create(
        competition=competition, kind="model", name="M2D-CLAP", url="https://x.org",
        release_date="2024-06-01", trained_on="AudioSet", status="approved",
    )  # fmt: skip
    assert put(api_alice, text, system="Sun_NPU_01").status_code == 200
    (error,) = put(api_alice, text.replace("86000000", "86M"), system="Sun_NPU_01").json()["errors"]
    assert error == "Line 6: parameters: must be a whole number such as 86000000, not '86M'."
    broken = "system_name: a\naudio_encoders: [x]\ntext_encoders: [y]\npredictor: [T\nlosses: [M]\n"
    (error,) = put(api_alice, broken, system="Sun_NPU_01").json()["errors"]
    assert error == (
        "Line 5: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence on line 4)."
    )


def test_the_upload_form_takes_a_description(as_alice, validation, aurora):
    response = as_alice.post(
        "/c/xacle/submit/",
        {"phase": "validation", "system_name": "Aurora_01", "file": upload(validation),
         "description": description_yaml("Aurora_01", losses=["ranking"])},
    )  # fmt: skip
    assert response.status_code == 302
    assert SystemDescription.objects.get(team=aurora).content["losses"] == ["ranking"]
    response = as_alice.post(
        "/c/xacle/submit/",
        {"phase": "validation", "system_name": "Aurora_02", "file": upload(validation),
         "description": "system_name: Aurora_02\nlosses: MSE\n"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "losses: must be a list of strings" in response.content.decode()
    assert not SystemDescription.objects.filter(system_name="Aurora_02").exists()


def test_the_leaderboard_links_each_system_page(anonymous, validation, aurora):
    scored(validation, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))
    standings.rebuild(validation)
    page = anonymous.get("/c/xacle/leaderboard/validation/?by=system").content.decode()
    assert "/c/xacle/phases/validation/teams/Aurora/systems/Aurora_01/" in page


def test_the_schema_lists_the_new_endpoints(api_anonymous, db):
    schema = api_anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    for path in [
        "/api/competitions/{slug}/phases/{phase}/teams/{team}/systems/{system_name}/description/",
        "/api/competitions/{slug}/phases/{phase}/census/",
        "/api/competitions/{slug}/resources/",
        "/api/competitions/{slug}/report/",
    ]:
        assert path in paths, path


def test_a_team_name_is_url_encoded(validation, alice, competition):
    team = make_team(competition, "Sun NPU/Lab 1", alice)
    scored(validation, team, "Sun_01", (0.5, 0.5, 0.4, 2.0))
    client = APIClient()
    client.force_authenticate(alice)
    url = URL.format("validation", quote("Sun NPU/Lab 1", safe=""), "Sun_01")
    response = client.put(url, description_yaml("Sun_01"), content_type="text/plain")
    assert response.status_code == 200, response.content
    assert client.get(url).json()["team"] == "Sun NPU/Lab 1"


def test_the_submission_page_links_the_system_page(as_alice, validation, aurora):
    submission = scored(validation, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))
    page = as_alice.get(f"/submissions/{submission.pk}/").content.decode()
    assert "/c/xacle/phases/validation/teams/Aurora/systems/Aurora_01/" in page
