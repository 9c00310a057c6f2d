"""A system description's YAML: every field's check, every YAML error with its line."""

import pytest

from scoring.description import normalize, parse, template
from scoring.problems import SubmissionError

GOOD = """\
system_name: Sun_NPU_01
audio_encoders: [M2D-CLAP]
text_encoders: [M2D-CLAP]
predictor: Transformer + MLP
losses: [MSE, ranking]
parameters: 86000000
external_data: []
pretrained_models: [M2D-CLAP]
notes: trained on XACLE only
"""


def problems(text, name="Sun_NPU_01", source=""):
    with pytest.raises(SubmissionError) as caught:
        parse(text, expected_name=name, source=source)
    return caught.value.messages()


def replace(key, value):
    lines = [line for line in GOOD.splitlines() if not line.startswith(f"{key}:")]
    if value is not None:
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def test_a_good_description_is_read():
    description = parse(GOOD, expected_name="Sun_NPU_01")
    assert description.audio_encoders == ["M2D-CLAP"]
    assert description.losses == ["MSE", "ranking"]
    assert description.parameters == 86_000_000
    assert description.resources() == ["M2D-CLAP"]
    assert description.notes == "trained on XACLE only"


def test_the_template_is_valid_and_round_trips():
    description = parse(template("Team_01"), expected_name="Team_01")
    assert parse(description.to_yaml(), expected_name="Team_01") == description


def test_a_yaml_syntax_error_names_its_line():
    text = GOOD.replace("predictor: Transformer + MLP", "predictor: [Transformer")
    (message,) = problems(text)
    assert message.startswith("Line 5: YAML syntax error: expected ',' or ']'")
    assert "(while parsing a flow sequence on line 4)" in message


def test_a_tab_indent_error_names_its_line():
    (message,) = problems("system_name: a\n\taudio_encoders: [x]\n", name="a")
    assert message.startswith("Line 2: YAML syntax error")


def test_a_package_file_is_named_with_the_line():
    text = GOOD.replace("losses: [MSE, ranking]", "losses: [MSE, ranking")
    message = problems(text, source="Sun_NPU_01.yaml")[0]
    assert message.startswith("Sun_NPU_01.yaml, line ") and "YAML syntax error" in message


def test_not_a_mapping():
    (message,) = problems("- a\n- b\n")
    assert message == "Line 1: The description must be a YAML mapping of keys to values."


def test_empty_and_not_utf8():
    assert "empty" in problems("  \n")[0]
    assert "not UTF-8" in problems(b"system_name: \xff\n")[0]


def test_too_large():
    assert "larger than 64 KB" in problems("notes: " + "x" * 70000)[0]


def test_unknown_field_names_its_line():
    messages = problems(GOOD + "optimizer: adam\n")
    assert messages == [
        "Line 10: optimizer: unknown field; the fields are system_name, audio_encoders, "
        "text_encoders, predictor, losses, parameters, external_data, pretrained_models, notes."
    ]


@pytest.mark.parametrize(
    "key",
    ["system_name", "audio_encoders", "text_encoders", "predictor", "losses", "parameters",
     "external_data", "pretrained_models"],
)  # fmt: skip
def test_each_required_field_is_required(key):
    assert problems(replace(key, None)) == [f"{key}: missing (required)."]


def test_notes_are_optional():
    assert parse(replace("notes", None), expected_name="Sun_NPU_01").notes == ""


@pytest.mark.parametrize(
    "key,value,expected",
    [
        ("system_name", "Other_01", "system_name: is 'Other_01', but the system is 'Sun_NPU_01'."),
        ("system_name", "''", "system_name: must not be empty."),
        ("system_name", "[a, b]", "system_name: must be a string."),
        ("predictor", "{a: 1}", "predictor: must be a string."),
        ("predictor", "x" * 201, "predictor: is longer than 200 characters."),
        ("audio_encoders", "M2D-CLAP", "audio_encoders: must be a list of strings, not one string"),
        ("audio_encoders", "[]", "audio_encoders: must name at least one"),
        ("text_encoders", "{a: b}", "text_encoders: must be a list of strings"),
        ("text_encoders", "[RoBERTa, '']", "text_encoders: entry 2 is empty"),
        ("losses", "[MSE, [ranking]]", "losses: entry 2 is not a string"),
        ("losses", "[]", "losses: must name at least one"),
        ("parameters", "86M", "parameters: must be a whole number such as 86000000, not '86M'."),
        ("parameters", "8.6e7", "parameters: must be a whole number"),
        ("parameters", "true", "parameters: must be a whole number"),
        ("parameters", "0", "parameters: must be between 1 and"),
        ("external_data", "Clotho", "external_data: must be a list of strings, not one string"),
        ("pretrained_models", "[" + ", ".join(["m"] * 21) + "]",
         "pretrained_models: has 21 entries; at most 20"),
        ("notes", "[a]", "notes: must be text."),
    ],
)  # fmt: skip
def test_each_field_is_checked_with_its_line(key, value, expected):
    text = replace(key, value)
    line = text.splitlines().index(f"{key}: {value}") + 1
    (message,) = problems(text)
    assert message.startswith(f"Line {line}: {expected}")


def test_resource_lists_may_be_empty_or_null():
    text = replace("pretrained_models", "").replace("external_data: []", "external_data:")
    description = parse(text, expected_name="Sun_NPU_01")
    assert description.external_data == [] and description.pretrained_models == []


def test_every_problem_is_listed_at_once():
    text = replace("parameters", "many").replace("losses: [MSE, ranking]", "losses: MSE")
    assert len(problems(text)) == 2


def test_no_python_objects_are_built():
    text = GOOD + "extra: !!python/object/apply:os.system ['true']\n"
    assert "YAML syntax error" in problems(text)[0] or "unknown" in problems(text)[0]


@pytest.mark.parametrize(
    "spelling", ["M2D-CLAP", "m2d clap", "M2D_CLAP", "  m2d-clap ", "Ｍ２Ｄ－ＣＬＡＰ"]
)
def test_names_are_normalized(spelling):
    assert normalize(spelling) == "m2d clap"


def test_normalizing_keeps_different_names_apart():
    assert normalize("Transformer + MLP") != normalize("Transformer")
    assert normalize("Transformer + MLP") == normalize("transformer+mlp") == "transformer + mlp"
