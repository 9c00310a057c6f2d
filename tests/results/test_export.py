"""manage.py export_results: the tables parse (CSV, JSON), the LaTeX compiles where a
LaTeX is installed and has the booktabs structure with the best values bold, and the
figures come as PDF and PNG."""

import csv
import io
import json
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from results.models import Analysis
from tests.factories import make_team
from tests.results.conftest import noisy

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase(test_phase, validation, aurora, borealis, scored_submission, competition):
    organizers = make_team(competition, "Organizers")
    for phase in (test_phase, validation):
        scored_submission(phase, aurora, "Aurora_01", noisy(phase, 0.5, 1))
        scored_submission(phase, aurora, "Aurora_02", noisy(phase, 4, 2))
        scored_submission(phase, borealis, "Borealis_01", noisy(phase, 2, 3))
        scored_submission(phase, organizers, "Baseline", noisy(phase, 5, 4), baseline=True)
    return test_phase


def _export(fmt, tmp_path):
    out = io.StringIO()
    call_command("export_results", competition="xacle", phase="test", format=fmt,
                 out=str(tmp_path), stdout=out)  # fmt: skip
    return [line for line in out.getvalue().splitlines() if line]


def test_the_json_document_has_phase_systems_and_ceiling(phase, tmp_path):
    files = _export("json", tmp_path)
    document = json.loads((tmp_path / "xacle-test-results.json").read_text())
    assert document["phase"] == "test" and document["split"] == "private"
    assert [s["system"] for s in document["systems"]][0] == "Aurora_01"
    assert "Baseline" not in [s["system"] for s in document["systems"]]
    for system in document["systems"]:
        for key in ("team", "system", "srcc", "lcc", "ktau", "mse", "system_rank", "team_rank"):
            assert key in system
        low, high = system["srcc_ci"]
        assert low <= system["srcc"] <= high
    assert document["systems"][0]["system_rank"] == 1
    assert 0 < document["ceiling"]["srcc"] <= 1
    assert {"natural", "synthetic", "synthetic/Tango"} <= set(document["subsets"])
    wins = document["win_probabilities"]
    assert len(wins) == 4 and all(len(w["beats"]) == 3 for w in wins)
    assert document["validation"]["split"] == "all"
    assert len(document["validation"]["systems"]) == 4
    # The analysis was computed because none was stored; the figures come along.
    assert Analysis.objects.filter(split__phase=phase).exists()
    for name in ("fig3", "fig4"):
        assert (tmp_path / f"xacle-test-{name}.pdf").read_bytes().startswith(b"%PDF")
        assert (tmp_path / f"xacle-test-{name}.png").read_bytes().startswith(b"\x89PNG")
    assert len(files) == 5


def test_the_csv_tables_parse(phase, tmp_path):
    _export("csv", tmp_path)
    rows = list(csv.DictReader((tmp_path / "xacle-test-table2.csv").open()))
    assert [r["system"] for r in rows][0] == "Aurora_01"
    assert rows[0]["system_rank"] == "1" and rows[0]["team_rank"] == "1"
    assert float(rows[0]["srcc_ci_low"]) <= float(rows[0]["srcc"])
    assert rows[0]["val_srcc"] != ""
    subsets = list(csv.DictReader((tmp_path / "xacle-test-subsets.csv").open()))
    assert {"natural", "synthetic"} <= {r["subset"] for r in subsets}


def test_the_latex_table_is_booktabs_with_the_best_values_bold(phase, tmp_path):
    _export("latex", tmp_path)
    table = (tmp_path / "xacle-test-table2.tex").read_text()
    for command in (r"\toprule", r"\midrule", r"\bottomrule", r"\begin{tabular}",
                    r"\end{table*}", r"\textbf{"):  # fmt: skip
        assert command in table
    assert table.count(r"\begin{") == table.count(r"\end{")
    body = table.split(r"\midrule")[1]
    columns = table.split(r"\begin{tabular}{")[1].split("}")[0]
    for line in body.strip().splitlines():
        assert line.count("&") == len(columns) - 1, line
    # The leader's SRCC is the bold one.
    leader = next(line for line in body.splitlines() if "Aurora\\_01" in line)
    assert leader.split(" & ")[4].startswith(r"\textbf{")
    assert "Baseline (baseline)" in table
    if shutil.which("pdflatex"):
        document = "\\documentclass{article}\\usepackage{booktabs}\\begin{document}\n"
        (tmp_path / "paper.tex").write_text(document + table + "\n\\end{document}\n")
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "paper.tex"], cwd=tmp_path,
                       check=True, capture_output=True, timeout=120)  # fmt: skip


def test_without_out_the_main_table_goes_to_standard_output(phase):
    out = io.StringIO()
    call_command("export_results", competition="xacle", phase="test", format="csv", stdout=out)
    assert out.getvalue().startswith("team_rank,system_rank,team,system")


def test_a_wrong_competition_is_named(phase):
    with pytest.raises(CommandError, match="No competition 'nope'"):
        call_command("export_results", competition="nope", phase="test", format="csv")
