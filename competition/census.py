"""The census of a phase's final systems, as the XACLE overview paper built it by hand: how
many systems and teams used each audio encoder, text encoder, predictor, loss, pretrained
model and external data set, and their sizes. Names are counted normalized
(scoring.description.normalize: "M2D-CLAP" = "m2d clap"), shown in their most common
spelling. `records(phase)` is the seam for the results analysis (charts); `census(phase)`
the counts the API and the test board show."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from competition import descriptions
from competition.models import Phase, SystemDescription
from scoring.description import normalize

COUNTED = ("audio_encoders", "text_encoders", "predictor", "losses", "pretrained_models",
           "external_data")  # fmt: skip
# Parameter counts by order of magnitude, as a paper's table would group them.
SIZES = [(10**6, "< 1M"), (10**7, "1M–10M"), (10**8, "10M–100M"), (10**9, "100M–1B")]


@dataclass(frozen=True)
class Record:
    """One final system's description, its names normalized."""

    team_id: int
    team: str
    system_name: str
    audio_encoders: tuple[str, ...]
    text_encoders: tuple[str, ...]
    predictor: str
    losses: tuple[str, ...]
    parameters: int
    external_data: tuple[str, ...]
    pretrained_models: tuple[str, ...]


def records(phase: Phase) -> tuple[list[Record], dict[str, str], int]:
    """The final systems' descriptions (normalized), the spelling to show for each
    normalized name, and the number of final systems (described or not)."""
    finals = descriptions.final_systems(phase)
    stored = SystemDescription.objects.filter(phase=phase).select_related("team")
    spellings: dict[str, Counter] = defaultdict(Counter)
    out = []
    for description in stored.order_by("team__name", "system_name"):
        if (description.team_id, description.system_name) not in finals:
            continue
        content = description.content
        fields = {}
        for key in COUNTED:
            names = content.get(key) or []
            names = [names] if isinstance(names, str) else names
            normalized = []
            for name in names:
                key_name = normalize(name)
                spellings[key_name][name] += 1
                if key_name not in normalized:
                    normalized.append(key_name)
            fields[key] = normalized[0] if key == "predictor" else tuple(normalized)
        out.append(
            Record(
                description.team_id,
                description.team.name,
                description.system_name,
                parameters=int(content.get("parameters") or 0),
                **fields,
            )  # fmt: skip
        )
    shown = {name: counts.most_common(1)[0][0] for name, counts in spellings.items()}
    return out, shown, len(finals)


def description_records(phase: Phase) -> list[dict]:
    """The seam for the results analysis (results.descriptions.system_descriptions): one
    plain record per described final system, names in their census spelling so that equal
    names count together. Keys: team, system, encoders (audio and text, once each),
    audio_encoders, text_encoders, predictor, losses, pretrained_models (lists of names),
    external_data (bool: any used), external_datasets (names), parameters (int)."""
    found, shown, _ = records(phase)

    def names(values):
        return [shown[value] for value in values]

    return [
        {
            "team": r.team,
            "system": r.system_name,
            "encoders": names(dict.fromkeys(r.audio_encoders + r.text_encoders)),
            "audio_encoders": names(r.audio_encoders),
            "text_encoders": names(r.text_encoders),
            "predictor": shown[r.predictor],
            "losses": names(r.losses),
            "pretrained_models": names(r.pretrained_models),
            "external_data": bool(r.external_data),
            "external_datasets": names(r.external_data),
            "parameters": r.parameters,
        }
        for r in found
    ]


def census(phase: Phase) -> dict:
    found, shown, finals = records(phase)
    result = {
        "phase": phase.kind,
        "final_systems": finals,
        "described": len(found),
        "teams": len({r.team_id for r in found}),
    }
    for key in COUNTED:
        systems: Counter = Counter()
        teams: dict[str, set] = defaultdict(set)
        for record in found:
            names = getattr(record, key)
            for name in [names] if isinstance(names, str) else names:
                systems[name] += 1
                teams[name].add(record.team_id)
        result["predictors" if key == "predictor" else key] = [
            {"name": shown[name], "normalized": name, "systems": n, "teams": len(teams[name])}
            for name, n in sorted(systems.items(), key=lambda item: (-item[1], item[0]))
        ]
    result["external_data_use"] = {
        "systems": sum(1 for r in found if r.external_data),
        "teams": len({r.team_id for r in found if r.external_data}),
    }
    result["parameters"] = _sizes([r.parameters for r in found])
    return result


def _sizes(counts: list[int]) -> dict:
    if not counts:
        return {"min": None, "median": None, "max": None, "buckets": []}
    ordered = sorted(counts)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    buckets = Counter()
    for n in counts:
        label = next((label for bound, label in SIZES if n < bound), "≥ 1B")
        buckets[label] += 1
    labels = [label for _, label in SIZES] + ["≥ 1B"]
    return {
        "min": ordered[0],
        "median": median,
        "max": ordered[-1],
        "buckets": [
            {"range": label, "systems": buckets[label]} for label in labels if buckets[label]
        ],
    }
