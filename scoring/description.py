"""A system's description as XACLE asked for it: a small YAML file, read with a safe loader
and checked field by field, so that an error names the field and, where it can, the line.

    system_name: Sun_NPU_01
    audio_encoders: [M2D-CLAP]
    text_encoders: [M2D-CLAP]
    predictor: Transformer + MLP
    losses: [MSE, ranking]
    parameters: 86000000
    external_data: []
    pretrained_models: [M2D-CLAP]
    notes: optional free text

No Django here: the server checks the resource names against its approved list itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

import yaml

from scoring.problems import Problem, SubmissionError

MAX_BYTES = 64 * 1024
MAX_ITEMS = 20  # entries of one list
MAX_TEXT = 200  # characters of one name
MAX_NOTES = 5000
MAX_PARAMETERS = 10**13

LISTS = ("audio_encoders", "text_encoders", "losses", "external_data", "pretrained_models")
# Lists that must name at least one thing; the resource lists may be empty.
NON_EMPTY = ("audio_encoders", "text_encoders", "losses")
REQUIRED = ("system_name", "audio_encoders", "text_encoders", "predictor", "losses",
            "parameters", "external_data", "pretrained_models")  # fmt: skip
FIELDS = (*REQUIRED, "notes")
EXAMPLES = {
    "audio_encoders": "[M2D-CLAP]",
    "text_encoders": "[RoBERTa]",
    "losses": "[MSE, ranking]",
    "external_data": "[] or [Clotho]",
    "pretrained_models": "[] or [M2D-CLAP]",
}


@dataclass(frozen=True)
class Description:
    system_name: str
    audio_encoders: list[str]
    text_encoders: list[str]
    predictor: str
    losses: list[str]
    parameters: int
    external_data: list[str] = field(default_factory=list)
    pretrained_models: list[str] = field(default_factory=list)
    notes: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def resources(self) -> list[str]:
        """Every external data set and pretrained model the system names."""
        return [*self.external_data, *self.pretrained_models]

    def to_yaml(self) -> str:
        data = self.as_dict()
        if not data["notes"]:
            del data["notes"]
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def template(system_name: str = "Name_Affiliation_01") -> str:
    """A valid description to start from, with a comment per field."""
    return f"""\
# The description of one XACLE system. Every key but notes is required.
system_name: {system_name}          # the system's name, as on the leaderboard
audio_encoders: [M2D-CLAP]          # list of strings
text_encoders: [M2D-CLAP]           # list of strings
predictor: Transformer + MLP        # e.g. cross-attention + MLP, LSTM, SVR
losses: [MSE, ranking]              # list: MSE, ranking, contrastive, ...
parameters: 86000000                # number of parameters, a whole number
external_data: []                   # approved data sets used, by name ([] for none)
pretrained_models: [M2D-CLAP]       # approved pretrained models used, by name
notes: Trained on the XACLE training set only.   # optional free text
"""


def normalize(name: str) -> str:
    """A name as the census counts it: case, width, spaces, hyphens and underscores do not
    matter ("M2D-CLAP" = "m2d clap" = "M2D_CLAP", "Transformer+MLP" = "transformer + MLP")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[\s_\-]+", " ", text)
    # "Transformer+MLP" = "Transformer + MLP"
    text = re.sub(r" ?([+/&,]) ?", r" \1 ", text)
    return re.sub(" +", " ", text).strip()


def parse(text: str | bytes, expected_name: str | None = None, source: str = "") -> Description:
    """The description in `text`, or SubmissionError naming each field at fault (and the
    line, for YAML syntax and field errors). `source` prefixes the messages (a file name
    inside a package)."""
    file = source or None
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise _fail(file, None, f"the description is larger than {MAX_BYTES // 1024} KB.")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _fail(file, None, f"the description is not UTF-8 text (byte {exc.start}).")
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise _fail(file, None, f"the description is larger than {MAX_BYTES // 1024} KB.")
    if not text.strip():
        raise _fail(file, None, "the description is empty; start from the template.")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            # Where the parser noticed is not always where the mistake is: say both.
            what += f" ({exc.context} on line {exc.context_mark.line + 1})"
        raise _fail(file, line, f"YAML syntax error: {what}.")
    except yaml.YAMLError as exc:
        raise _fail(file, None, f"YAML syntax error: {exc}.")
    if not isinstance(data, dict):
        raise _fail(file, 1, "the description must be a YAML mapping of keys to values.")
    lines = _key_lines(node)
    problems: list[Problem] = []
    values: dict = {}

    def bad(key, message):
        problems.append(Problem(lines.get(key), f"{key}: {message}", file))

    for key in data:
        if str(key) not in FIELDS:
            problems.append(
                Problem(
                    lines.get(str(key)),
                    f"{key}: unknown field; the fields are {', '.join(FIELDS)}.",
                    file,
                )
            )
    for key in REQUIRED:
        if key not in data:
            problems.append(Problem(None, f"{key}: missing (required).", file))
    for key in ("system_name", "predictor"):
        if key in data:
            value = data[key]
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                bad(key, "must be a string.")
            elif not str(value).strip():
                bad(key, "must not be empty.")
            elif len(str(value)) > MAX_TEXT:
                bad(key, f"is longer than {MAX_TEXT} characters.")
            else:
                values[key] = str(value).strip()
    for key in LISTS:
        if key in data:
            checked = _string_list(data[key], key in NON_EMPTY)
            if isinstance(checked, str):
                bad(key, checked + f" e.g. {key}: {EXAMPLES[key]}")
            else:
                values[key] = checked
    if "parameters" in data:
        value = data["parameters"]
        if isinstance(value, bool) or not isinstance(value, int):
            bad("parameters", f"must be a whole number such as 86000000, not {value!r}.")
        elif not 0 < value <= MAX_PARAMETERS:
            bad("parameters", f"must be between 1 and {MAX_PARAMETERS:.0e}, not {value}.")
        else:
            values["parameters"] = value
    if "notes" in data and data["notes"] is not None:
        value = data["notes"]
        if not isinstance(value, str):
            bad("notes", "must be text.")
        elif len(value) > MAX_NOTES:
            bad("notes", f"is longer than {MAX_NOTES} characters.")
        else:
            values["notes"] = value.strip()
    name = values.get("system_name")
    if expected_name is not None and name is not None and name != expected_name:
        bad("system_name", f"is {name!r}, but the system is {expected_name!r}.")
    if problems:
        raise SubmissionError(problems)
    return Description(**values)


def _string_list(value, non_empty: bool) -> list[str] | str:
    """The list, stripped, or what is wrong with it."""
    if value is None:
        value = []
    if isinstance(value, str):
        return "must be a list of strings, not one string:"
    if not isinstance(value, list):
        return "must be a list of strings:"
    if non_empty and not value:
        return "must name at least one:"
    if len(value) > MAX_ITEMS:
        return f"has {len(value)} entries; at most {MAX_ITEMS}:"
    out = []
    for position, item in enumerate(value, 1):
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            return f"entry {position} is not a string:"
        item = str(item).strip()
        if not item:
            return f"entry {position} is empty:"
        if len(item) > MAX_TEXT:
            return f"entry {position} is longer than {MAX_TEXT} characters:"
        out.append(item)
    return out


def _key_lines(node) -> dict[str, int]:
    """Each top-level key's line (1-based), from the composed YAML tree."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _fail(file: str | None, line: int | None, message: str) -> SubmissionError:
    return SubmissionError([Problem(line, message[0].upper() + message[1:], file)])
