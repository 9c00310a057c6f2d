"""The results analysis reads the teams' system descriptions through
competition.census.description_records (issue 13's seam)."""

from competition import descriptions, standings
from results.descriptions import census, system_descriptions
from tests.factories import description_yaml, scored


def test_the_analysis_counts_the_final_systems_descriptions(validation, aurora, borealis):
    scored(validation, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))
    scored(validation, borealis, "Borealis_01", (0.6, 0.5, 0.4, 2.0))
    standings.rebuild(validation)
    assert system_descriptions(validation) == []
    descriptions.give(validation, aurora, "Aurora_01", description_yaml("Aurora_01"))
    text = description_yaml("Borealis_01", audio_encoders=["m2d clap"], predictor="SVR")
    descriptions.give(validation, borealis, "Borealis_01", text)
    found = system_descriptions(validation)
    assert {(r["team"], r["system"]) for r in found} == {
        ("Aurora", "Aurora_01"), ("Borealis", "Borealis_01")
    }  # fmt: skip
    counted = census(found)
    assert counted["systems"] == 2
    # "m2d clap" counts with "M2D-CLAP".
    assert dict(counted["encoders"])["M2D-CLAP"] == 2
    assert counted["parameters"][("Aurora", "Aurora_01")] == 86_000_000
