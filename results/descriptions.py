"""System descriptions (what each system used) and their census.

The descriptions come from competition.census.description_records (issue 13): one record
per described final system, its names in the census's normalized spelling."""

from collections import Counter

from competition.census import description_records
from competition.models import Phase

# The record each description gives (one per system): team, system, encoders (list),
# predictor, losses (list), external_data (bool), parameters (int or None).
LIST_FIELDS = ("encoders", "losses")
VALUE_FIELDS = ("predictor",)


def system_descriptions(phase: Phase) -> list[dict]:
    """The descriptions of the phase's final systems (none where no team gave one)."""
    return description_records(phase)


def census(descriptions: list[dict]) -> dict:
    """How many systems used each encoder, predictor and loss; how many used external
    data; the parameter counts given."""
    counts = {name: Counter() for name in (*LIST_FIELDS, *VALUE_FIELDS)}
    for record in descriptions:
        for name in LIST_FIELDS:
            counts[name].update(set(record.get(name) or []))
        for name in VALUE_FIELDS:
            if record.get(name):
                counts[name][record[name]] += 1
    return {
        "systems": len(descriptions),
        **{name: counter.most_common() for name, counter in counts.items()},
        "external_data": sum(bool(r.get("external_data")) for r in descriptions),
        "parameters": {
            (r["team"], r["system"]): r["parameters"]
            for r in descriptions
            if r.get("parameters") is not None
        },
    }
