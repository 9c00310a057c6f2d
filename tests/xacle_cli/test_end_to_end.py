"""The client against the real server (pytest-django's live_server), as a participant with
an API token; submissions are scored in-process as soon as they are queued."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache

from accounts import tokens
from competition import scorer, tasks, truth
from competition.models import SystemDescription
from tests.factories import (
    csv_bytes,
    description_yaml,
    make_competition,
    make_team,
    make_user,
    package_zip,
    xacle_package,
)
from xacle_cli.__main__ import main

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server, settings, tmp_path, monkeypatch):
    """The live server's address, with files in a temporary folder and a scorer in place of
    the workers (enqueue is handed the ids on commit, as the broker would be)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    cache.clear()

    def score_now(submission_ids):
        for submission_id in submission_ids:
            scorer.score_submission(submission_id)
        return len(submission_ids)

    monkeypatch.setattr(tasks, "enqueue", score_now)
    yield live_server.url
    cache.clear()
    truth.forget()


@pytest.fixture
def alice(server, monkeypatch):
    """alice is a participant of team Aurora; her settings are in the environment."""
    competition = make_competition()
    user = make_user("alice")
    make_team(competition, "Aurora", user)
    monkeypatch.setenv("XACLE_URL", server)
    monkeypatch.setenv("XACLE_TOKEN", tokens.create(user)[1])
    monkeypatch.setenv("XACLE_COMPETITION", competition.slug)
    return competition.phases.get(kind="validation")


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_participant_submits_waits_for_the_scores_and_reads_the_leaderboard(
    alice, tmp_path, capsys
):
    good = tmp_path / "predictions.csv"
    good.write_bytes(csv_bytes(alice))
    status, out, err = run(capsys, "submit", str(good), "--system", "Aurora_01", "--wait")
    assert status == 0, err
    submission_id, head, heading, row = out.splitlines()
    assert head.startswith(f"Submission {submission_id} scored: system Aurora_01, team Aurora")
    assert heading.split() == ["SPLIT", "SRCC", "LCC", "KTAU", "MSE", "N"]
    assert row.split()[0] == "all" and row.split()[-1] == "12"

    status, out, _ = run(capsys, "leaderboard", "--by", "system")
    assert status == 0
    assert out.splitlines()[2].split()[:4] == ["1", "1", "Aurora", "Aurora_01"]
    status, out, _ = run(capsys, "submissions")
    assert [line.split()[0] for line in out.splitlines()] == ["ID", submission_id]


def test_a_broken_file_is_refused_with_its_lines(alice, tmp_path, capsys):
    ids = list(alice.items().values_list("wav_file_name", flat=True))
    broken = tmp_path / "broken.csv"
    broken.write_text(f"wav_file_name,prediction_score\n{ids[0]},nan\n{ids[0]},1\n")
    status, out, err = run(capsys, "submit", str(broken), "--system", "Aurora_01", "--wait")
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == "The server refused the submission; nothing was stored:"
    assert any(line.startswith("  Line 2:") for line in lines[1:])
    assert alice.submissions.count() == 0


def test_the_sample_submission_is_a_valid_submission(alice, tmp_path, capsys):
    sample = tmp_path / "sample.csv"
    assert run(capsys, "sample", "-o", str(sample))[0] == 0
    lines = sample.read_text().splitlines()
    assert lines[0] == "wav_file_name,prediction_score" and len(lines) == 13
    status, out, err = run(capsys, "submit", str(sample), "--system", "Sample", "--wait")
    assert status == 0, err


def test_the_real_servers_refusals_are_one_line(server, alice, capsys, monkeypatch):
    status, _, err = run(capsys, "leaderboard", "--competition", "nope")
    assert status == 2
    assert err == f"Not found on {server}: a competition 'nope' with a validation phase.\n"
    monkeypatch.setenv("XACLE_TOKEN", "not-a-token")
    status, _, err = run(capsys, "submissions")
    assert status == 2 and err.startswith("The server refused your token (Invalid token)")


def test_a_wrong_split_name_lists_the_valid_ones(alice, capsys):
    status, _, err = run(capsys, "leaderboard", "--split", "public")
    assert status == 2
    assert err == "The validation phase of 'xacle' has no split 'public'; its splits: all.\n"


def test_the_readmes_client_examples_run_as_written_on_the_demo(
    server, settings, tmp_path, monkeypatch, capsys
):
    """Every `python -m xacle_cli` line of the README, against the demo competition, as the
    demo participant (only `status 17` asks for one of their own submissions instead)."""
    import re
    import shlex
    from pathlib import Path

    from django.core.management import call_command

    from demodata import DatasetSpec

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(
        "demodata.DatasetSpec", lambda: DatasetSpec(train=10, validation=40, test=40, seconds=0.2)
    )
    monkeypatch.setattr("competition.demo._worker_answers", lambda: False)
    call_command("demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    from competition import demo
    from competition.models import Submission

    user = get_user_model().objects.get(username=demo.USERNAME)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    settings_line = re.search(r"export XACLE_URL=\S+ XACLE_TOKEN=\.\.\. XACLE_COMPETITION=(\S+)",
                              readme)  # fmt: skip
    assert settings_line and settings_line.group(1) == demo.SLUG
    monkeypatch.setenv("XACLE_URL", server)
    monkeypatch.setenv("XACLE_TOKEN", tokens.create(user)[1])
    monkeypatch.setenv("XACLE_COMPETITION", demo.SLUG)
    monkeypatch.chdir(tmp_path)
    lines = re.findall(r"^    python -m xacle_cli (.+?)(?:\s+#.*)?$", readme, flags=re.M)
    assert len(lines) >= 6
    own = Submission.objects.filter(team__members=user).order_by("pk").first().pk
    test_submission = None  # `select 17` marks the test submission the README made final
    for line in lines:
        line = line.replace("status 17", f"status {own}")
        args = shlex.split(line.replace("select 17", f"select {test_submission}"))
        if args[0] == "submit":
            sample = (
                open("sample_submission.csv").read()
                if "--phase" not in args
                else sample_for(capsys, "test")
            )
            if args[1].endswith(".zip"):  # an XACLE package of one system
                system = args[1][: -len(".zip")] + "_02"
                package = {f"{system}.csv": sample, f"{system}.yaml": description_yaml(system)}
                (tmp_path / args[1]).write_bytes(package_zip(package))
            else:
                (tmp_path / args[1]).write_text(sample)
            if "--description" in args:
                system = args[args.index("--system") + 1]
                yaml = args[args.index("--description") + 1]
                (tmp_path / yaml).write_text(description_yaml(system))
        status, out, err = run(capsys, *args)
        assert status == 0, f"{line}: {err}"
        if args[0] == "submit" and "test" in args:
            test_submission = int(out.split()[0])


def sample_for(capsys, phase):
    run(capsys, "sample", "--phase", phase, "-o", f"sample_{phase}.csv")
    return open(f"sample_{phase}.csv").read()


def _submit(capsys, tmp_path, phase, system="Aurora_01"):
    path = tmp_path / f"{system}.csv"
    path.write_bytes(csv_bytes(phase))
    return run(capsys, "submit", str(path), "--system", system, "--phase", phase.kind)


def test_each_refusal_code_of_the_real_server_is_its_message_and_status_2(alice, tmp_path, capsys):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    alice.opens_at, alice.closes_at = now + timedelta(days=1), now + timedelta(days=2)
    alice.save()
    status, out, err = _submit(capsys, tmp_path, alice)
    assert (status, out) == (2, "")
    assert err.startswith("The validation phase opens at ") and err.endswith(" UTC.\n")

    alice.opens_at, alice.closes_at = now - timedelta(days=2), now - timedelta(days=1)
    alice.save()
    status, out, err = _submit(capsys, tmp_path, alice)
    assert (status, out) == (2, "")
    assert err.startswith("The validation phase closed at ") and err.endswith(" UTC.\n")

    alice.closes_at, alice.max_submissions_per_day = None, 1
    alice.save()
    status, _, err = _submit(capsys, tmp_path, alice)
    assert status == 0 and "Submissions left: 0 of 1 today (UTC)." in err
    status, out, _ = run(capsys, "phase")
    assert status == 0 and out.splitlines()[0].startswith("Validation phase: open; opens ")
    assert out.splitlines()[1].startswith("Submissions left: 0 of 1 today (UTC). Next possible at")
    status, out, err = _submit(capsys, tmp_path, alice, system="Aurora_02")
    assert (status, out) == (2, "")
    assert err.startswith("Your team has made its 1 submissions to the validation phase for today")
    assert alice.submissions.count() == 1


def test_a_final_is_selected_and_unselected_on_the_real_server(alice, tmp_path, capsys):
    test_phase = alice.competition.phases.get(kind="test")
    status, out, _ = _submit(capsys, tmp_path, test_phase)
    submission_id = out.strip()
    assert run(capsys, "select", submission_id)[:2] == (
        0, f"Submission {submission_id} (Aurora_01) is now final.\n"
    )  # fmt: skip
    assert test_phase.submissions.get().selected_for_final
    assert run(capsys, "unselect", submission_id)[0] == 0
    assert not test_phase.submissions.get().selected_for_final
    status, _, err = run(capsys, "select", submission_id, "--competition", "xacle")
    assert status == 0
    validation_id = _submit(capsys, tmp_path, alice)[1].strip()
    status, _, err = run(capsys, "select", validation_id)
    assert (
        status == 2
        and err == "The validation phase has no final selection: every system is ranked.\n"
    )


def test_submit_takes_an_xacle_package(alice, tmp_path, capsys):
    package = tmp_path / "Aurora.zip"
    package.write_bytes(xacle_package(alice, ["Aurora_01", "Aurora_02"]))
    status, out, err = run(capsys, "submit", str(package), "--wait")
    assert status == 0, err
    ids = out.split("\n\n")[0].splitlines()[:2]
    assert all(i.isdigit() for i in ids)
    assert "Aurora_01" in out and "Aurora_02" in out and "SRCC" in out
    assert SystemDescription.objects.count() == 2


def test_submit_a_csv_with_its_description(alice, tmp_path, capsys):
    good = tmp_path / "p.csv"
    good.write_bytes(csv_bytes(alice))
    yaml = tmp_path / "d.yaml"
    yaml.write_text(description_yaml("Aurora_01", predictor="SVR"))
    status, out, err = run(
        capsys, "submit", str(good), "--system", "Aurora_01", "--description", str(yaml)
    )
    assert status == 0, err
    assert SystemDescription.objects.get().content["predictor"] == "SVR"
    yaml.write_text(description_yaml("Aurora_01", parameters="many"))
    status, out, err = run(
        capsys, "submit", str(good), "--system", "Aurora_01", "--description", str(yaml)
    )
    assert status == 2 and "parameters: must be a whole number" in err


def test_a_csv_needs_a_system_name(alice, tmp_path, capsys):
    good = tmp_path / "p.csv"
    good.write_bytes(csv_bytes(alice))
    status, out, err = run(capsys, "submit", str(good))
    assert status == 2 and "--system NAME" in err
