"""The competition file is read as a whole: every problem is reported at once, each with its
line and its key, and nothing is applied (competition_file.read touches no database)."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from competition import competition_file
from competition.yaml_reader import FileProblems, Problem
from tests.competition_files import EXAMPLE, SEED, line_with, make_folder, write_run

ROOT = Path(__file__).resolve().parents[2]


def read_text(tmp_path, text):
    return competition_file.read(make_folder(tmp_path, text))


def problems_of(tmp_path, text) -> list[Problem]:
    with pytest.raises(FileProblems) as caught:
        read_text(tmp_path, text)
    return caught.value.problems


def test_the_issues_example_reads_with_every_value(tmp_path):
    spec = read_text(tmp_path, EXAMPLE)
    assert (spec.slug, spec.title, spec.max_team_size) == ("xacle-2027", "XACLE Challenge 2027", 5)
    assert spec.description == "# XACLE 2027\n\nPredict **relevance**."
    assert spec.rules == "One team per participant.\nExternal data must be approved."
    assert spec.data == tmp_path / "XACLE_dataset"
    assert spec.resource_cutoff == date(2025, 5, 31)
    test = spec.phases["test"]
    assert test.opens_at == datetime(2027, 1, 15, tzinfo=UTC)
    assert test.final_selection_closes_at == datetime(2027, 2, 2, 23, 59, 59, tzinfo=UTC)
    assert (test.public_fraction, test.max_final, test.require_description) == (0.5, 4, True)
    assert test.split_seed is None and test.leaderboard is None  # the platform decides
    assert spec.phases["validation"].max_submissions_total is None
    [reference] = spec.references
    assert reference.name == "Baseline_2026"
    assert reference.files["test"] == tmp_path / "runs/baseline-2026/inference_result_for_test.csv"
    [resource] = spec.resources
    assert (resource.kind, resource.name, resource.release_date) == (
        "model", "BEATs", date(2022, 12, 18),
    )  # fmt: skip


def test_a_time_without_an_offset_is_utc_and_one_with_an_offset_is_converted(tmp_path):
    text = EXAMPLE.replace("opens_at: 2027-01-15T00:00:00Z", "opens_at: 2027-01-15 09:00+09:00")
    text = text.replace(
        "closes_at: 2027-01-31T23:59:59Z\n    public", "closes_at: 2027-01-31T23:59\n    public"
    )
    test = read_text(tmp_path, text).phases["test"]
    assert test.opens_at == datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
    assert test.closes_at == datetime(2027, 1, 31, 23, 59, tzinfo=UTC)


def test_only_slug_title_data_and_phases_are_required(tmp_path):
    spec = read_text(tmp_path, "slug: x\ntitle: X\ndata: XACLE_dataset\nphases: {}\n")
    assert (spec.description, spec.rules, spec.max_team_size, spec.references) == ("", "", 5, [])
    assert spec.phases["test"] == competition_file.PhaseSpec("test")


CASES = [
    # (replace, with, the line holding, key, what the message says)
    ("max_team_size: 5", "max_team_size: 5\ncolour: blue", "colour", "colour", "not a known key"),
    ("    max_final: 4", "    max_finals: 4", "max_finals", "phases.test.max_finals",
     "did you mean max_final?"),
    ("max_team_size: 5", "max_team_size: five", "max_team_size", "max_team_size",
     "expected a whole number, got 'five'"),
    ("max_submissions_per_day: 3", 'max_submissions_per_day: "3"', "per_day: \"3\"",
     "phases.test.max_submissions_per_day", "drop the quotes"),
    ("accept_late: false", "accept_late: maybe", "accept_late", "phases.test.accept_late",
     "expected true or false"),
    ("max_team_size: 5", "max_team_size: -1", "max_team_size", "max_team_size",
     "from 0 to"),
    ("max_team_size: 5", "max_team_size: null", "max_team_size", "max_team_size",
     "needs a value"),
    ("closes_at: 2027-01-31T23:59:59Z\n    max_submissions_per_day: 5",
     "closes_at: 2026-08-31T23:59:59Z\n    max_submissions_per_day: 5", "2026-08-31",
     "phases.validation.closes_at", "would close (2026-08-31 23:59:59 UTC) before it opens"),
    ("final_selection_closes_at: 2027-02-02T23:59:59Z", "final_selection_closes_at: 2027-02-02",
     "final_selection", "phases.test.final_selection_closes_at",
     "a date without a time; write the time too, e.g. 2027-02-02T23:59:59Z"),
    ("final_selection_closes_at: 2027-02-02T23:59:59Z",
     "final_selection_closes_at: 2027-01-20T00:00",
     "final_selection", "phases.test.final_selection_closes_at", "before the phase closes"),
    ("opens_at: 2027-01-15T00:00:00Z", "opens_at: next monday", "next monday",
     "phases.test.opens_at", "expected a date and time, ISO 8601"),
    ("resource_cutoff: 2025-05-31", "resource_cutoff: 31/05/2025", "resource_cutoff",
     "resource_cutoff", "YYYY-MM-DD"),
    ("public_fraction: 0.5", "public_fraction: 1.5", "public_fraction",
     "phases.test.public_fraction", "between 0 and 1"),
    ("public_fraction: 0.5", "public_fraction: 0", "public_fraction",
     "phases.test.public_fraction", "between 0 and 1"),
    ("public_fraction: 0.5", "public_fraction: 1", "public_fraction",
     "phases.test.public_fraction", "between 0 and 1"),
    ("public_fraction: 0.5", "public_fraction: 0.5\n    split_seed: guessable",
     "split_seed", "phases.test.split_seed", "32 to 64 printable characters"),
    ("data: XACLE_dataset", "data: ../XACLE_2027", "data:", "data", "is not a folder"),
    ("data: XACLE_dataset", "data: runs", "data:", "data", "meta_data is missing"),
    ("description: overview.md", "description: overvew.md", "description", "description",
     "overvew.md is not a file"),
    ("slug: xacle-2027", "slug: xacle 2027", "slug", "slug", "letters, digits, - and _ only"),
    ("slug: xacle-2027", "slug: xacle-2027\nslug: again", "slug: again", "slug",
     "given twice (first on line 1)"),
    ("title: XACLE Challenge 2027\n", "", "slug", "title", "is missing"),
    ("  test:\n", "  test:\n  final: {}\n  tests:\n", "final", "phases.final",
     "not a known key"),
    ("    accept_late: false",
     "    accept_late: false\n    leaderboard: shown", "leaderboard", "phases.test.leaderboard",
     "expected live or hidden"),
    ("run: runs/baseline-2026", "run: runs/none", "runs/none", "references[0].run",
     "is not a folder"),
    ("name: Baseline_2026", "name: Baseline 2026", "Baseline 2026", "references[0].name",
     "The system name holds ' '"),
    ("  - run: runs/baseline-2026\n    name", "  - name", "- name", "references[0]",
     "give either run"),
    ("release_date: 2022-12-18", "release_date: 2025-06-01", "release_date",
     "resources[0].release_date",
     "after resource_cutoff (2025-05-31)"),
    ("    trained_on: AudioSet\n", "", "- kind", "resources[0].trained_on",
     "say what the model was trained on"),
    ("url: https://github.com/microsoft/unilm", "url: github", "url:", "resources[0].url",
     "not a web address"),
    ("  test:\n", "  test: open\n  later:\n", "test: open", "phases.test", "expected a mapping"),
    ("references:\n", "references: Baseline\nunused:\n", "references:", "references",
     "expected a list"),
]  # fmt: skip


@pytest.mark.parametrize("old, new, at, key, message", CASES)
def test_each_problem_is_reported_with_its_line_and_key(tmp_path, old, new, at, key, message):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    found = [p for p in problems_of(tmp_path, text) if p.key == key]
    assert found, problems_of(tmp_path, text)
    assert any(message in p.message for p in found), found
    assert found[0].line == line_with(text, at)


def test_every_problem_of_the_file_is_reported_at_once(tmp_path):
    text = (
        EXAMPLE.replace("max_team_size: 5", "max_team_size: five\ncolour: blue")
        .replace("public_fraction: 0.5", "public_fraction: 2")
        .replace("data: XACLE_dataset", "data: elsewhere")
        .replace("closes_at: 2027-01-31T23:59:59Z\n    max_submissions_per_day: 5",
                 "closes_at: 2026-01-31T23:59:59Z\n    max_submissions_per_day: 5")
    )  # fmt: skip
    found = problems_of(tmp_path, text)
    assert [p.key for p in found] == [
        "data", "max_team_size", "colour", "phases.validation.closes_at",
        "phases.test.public_fraction",
    ]  # fmt: skip
    assert [p.line for p in found] == sorted(p.line for p in found)


def test_a_reference_systems_broken_file_is_named_with_its_line(tmp_path):
    path = make_folder(tmp_path)
    run = tmp_path / "runs" / "baseline-2026" / "inference_result_for_test.csv"
    run.write_text(run.read_text().replace("00015.wav,", "00015.wav,not-a-number"))
    with pytest.raises(FileProblems) as caught:
        competition_file.read(path)
    [problem] = caught.value.problems
    assert problem.key == "references[0]" and problem.line == line_with(EXAMPLE, "- run")
    assert problem.message.startswith("inference_result_for_test.csv, line 3:")


def test_bad_yaml_syntax_gets_its_line(tmp_path):
    text = EXAMPLE.replace("max_team_size: 5", "max_team_size: [5")
    [problem] = problems_of(tmp_path, text)
    assert problem.line == line_with(text, "max_team_size") + 1
    assert problem.message.startswith("not valid YAML:")


@pytest.mark.parametrize("text", ["- slug: x\n- title: y\n", "just words\n", ""])
def test_a_file_that_is_not_a_mapping_says_so(tmp_path, text):
    [problem] = problems_of(tmp_path, text)
    assert problem.line == 1
    assert "must be a mapping of keys (slug, title" in problem.message


def test_a_file_that_is_not_utf8_gets_its_line(tmp_path):
    path = make_folder(tmp_path)
    path.write_bytes(EXAMPLE.encode().replace(b"Challenge", b"Chall\xe9nge"))
    with pytest.raises(FileProblems) as caught:
        competition_file.read(path)
    assert caught.value.problems == [Problem(2, "", "not UTF-8 text; save the file as UTF-8")]


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileProblems) as caught:
        competition_file.read(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml: cannot be read" in str(caught.value)


def test_paths_are_relative_to_the_file_not_to_the_working_folder(tmp_path, monkeypatch):
    folder = tmp_path / "xacle-2027"
    path = make_folder(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = competition_file.read(Path("..") / "xacle-2027" / "competition.yaml")
    assert spec.data == folder / "XACLE_dataset"
    assert spec.description.startswith("# XACLE 2027")
    assert spec.references[0].files["validation"].parent == folder / "runs" / "baseline-2026"
    assert spec.path == path


def test_a_reference_may_name_its_files_instead_of_a_run_folder(tmp_path):
    write_run(tmp_path / "other")
    text = EXAMPLE.replace(
        "  - run: runs/baseline-2026\n",
        "  - files:\n      validation: other/inference_result_for_validation.csv\n"
        "      test: other/inference_result_for_test.csv\n",
    )
    [reference] = read_text(tmp_path, text).references
    assert reference.files["test"] == tmp_path / "other" / "inference_result_for_test.csv"


def test_a_split_seed_is_kept_as_written(tmp_path):
    text = EXAMPLE.replace("public_fraction: 0.5", f"public_fraction: 0.5\n    split_seed: {SEED}")
    assert read_text(tmp_path, text).phases["test"].split_seed == SEED


def readme_keys() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- competition-keys -->(.*?)<!-- /competition-keys -->", text, re.S)
    assert table, "the README's table of the competition file's keys is missing"
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|", table.group(1), re.M)
    return {key: default for key, default in rows}


def test_the_readme_documents_every_key_with_its_default():
    assert readme_keys() == competition_file.documented_keys()


def test_the_example_in_the_repository_uses_only_documented_keys():
    import yaml

    example = yaml.safe_load((ROOT / "demodata" / "xacle-demo" / "competition.yaml").read_text())
    documented = competition_file.documented_keys()
    assert set(example) <= set(documented)
    for phase in example["phases"].values():
        assert {f"phases.PHASE.{key}" for key in phase} <= set(documented)


def test_the_readmes_example_file_is_a_real_file(tmp_path):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"### The competition file.*?```yaml\n(.*?)```", text, re.S).group(1)
    challenge = tmp_path / "xacle-2027"
    path = make_folder(tmp_path)  # the data set at ../XACLE_dataset, as the example has it
    challenge.mkdir()
    (challenge / "overview.md").write_text(path.parent.joinpath("overview.md").read_text())
    (challenge / "rules.md").write_text("Be fair.\n")
    write_run(challenge / "runs" / "baseline-2026")
    (challenge / "competition.yaml").write_text(block)
    spec = competition_file.read(challenge / "competition.yaml")
    assert spec.data == tmp_path / "XACLE_dataset"
    assert spec.phases["test"].public_fraction == 0.3
    # The README's example of a problem is what this file with that mistake gets.
    said = re.search(r"e\.g\.\s+`competition\.yaml, (line \d+, [^`]+)`", text).group(1)
    wrong = block.replace(
        "closes_at: 2027-01-31T23:59:59Z\n    public", "closes_at: 2027-01-10T00:00Z\n    public"
    )
    (challenge / "competition.yaml").write_text(wrong)
    with pytest.raises(FileProblems) as caught:
        competition_file.read(challenge / "competition.yaml")
    assert [str(problem) for problem in caught.value.problems] == [" ".join(said.split())]
