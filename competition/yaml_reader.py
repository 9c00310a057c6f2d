"""Reading YAML with its line numbers: each mapping's keys checked against the keys declared
for it, each value converted by its reader, and every problem kept, with its line and its
key, so that a file is answered with all of its problems at once."""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from competition import dates

MAX_COUNT = 2**31 - 1  # what a PositiveIntegerField holds
_TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = (_TAG + t for t in ("null", "bool", "int", "float", "str"))


@dataclass(frozen=True, order=True)
class Problem:
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else ""
        if self.key:
            where = f"{where}, {self.key}" if where else self.key
        return f"{where}: {self.message}" if where else self.message


class FileProblems(Exception):
    """The file cannot be applied: every problem found, in the order of the file."""

    def __init__(self, path, problems: list[Problem]):
        self.path = Path(path)
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.key, p.message))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [
            f"{self.path}, {p}" if p.line or p.key else f"{self.path}: {p}" for p in self.problems
        ]


class Invalid(Exception):
    """A value of the wrong type or out of range; the message says what is expected."""


def scalar(node, expected: str) -> yaml.ScalarNode:
    if isinstance(node, yaml.ScalarNode):
        return node
    shape = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    raise Invalid(f"expected {expected}, got {shape}")


def _shown(node) -> str:
    return repr(node.value) if node.tag == STR else str(node.value)


def _typed(node, tags: set[str], expected: str) -> yaml.ScalarNode:
    node = scalar(node, expected)
    if node.tag not in tags:
        quoted = node.style in ("'", '"')
        hint = " (a quoted value is text: drop the quotes)" if quoted else ""
        raise Invalid(f"expected {expected}, got {_shown(node)}{hint}")
    return node


def line_of(text: str, limit: int) -> Callable:
    def read(node, base: Path) -> str:
        value = scalar(node, "text").value.strip()
        if not value:
            raise Invalid("must not be empty")
        if len(value) > limit:
            raise Invalid(f"is {len(value)} characters; the limit is {limit}")
        return value

    read.__doc__ = text
    return read


def read_markdown(node, base: Path) -> str:
    """A one-line value names a Markdown file (relative to the competition file); a block
    (`key: |`, several lines) is the text itself. Surrounding line breaks are dropped, so
    that the text reads back the same from either form."""
    value = scalar(node, "a Markdown file's path or a block of text").value
    if "\n" in value:
        return value.strip("\r\n")
    path = base / value
    if not path.is_file():
        raise Invalid(
            f"{path} is not a file (a one-line value names a Markdown file relative to this "
            "file; write the text itself as a block: `key: |` and the text indented below)"
        )
    try:
        return path.read_text(encoding="utf-8-sig").strip("\r\n")
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise Invalid(f"{path}, line {line}: not UTF-8 text; save the file as UTF-8")
    except OSError as exc:
        raise Invalid(f"{path} cannot be read: {exc.strerror or exc}")


def _path(node, base: Path) -> Path:
    value = scalar(node, "a path").value.strip()
    if not value:
        raise Invalid("expected a path")
    return (base / value).resolve()


def read_folder(node, base: Path) -> Path:
    path = _path(node, base)
    if not path.is_dir():
        raise Invalid(f"{path} is not a folder")
    return path


def read_file(node, base: Path) -> Path:
    path = _path(node, base)
    if not path.is_file():
        raise Invalid(f"{path} is not a file")
    return path


def read_day(node, base: Path) -> date:
    value = scalar(node, "a date").value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"expected a date, YYYY-MM-DD (e.g. 2025-05-31), got {value!r}")


def read_moment(node, base: Path) -> datetime:
    value = scalar(node, "a date and time").value.strip()
    if len(value) == len("2027-01-31"):
        # A date alone would be its first moment: "closes_at: 2027-01-31" closing a day early.
        raise Invalid(
            f"{value!r} is a date without a time; write the time too, e.g. {value}T23:59:59Z"
        )
    try:
        return dates.parse_when(value)
    except ValueError:
        raise Invalid(
            f"expected a date and time, ISO 8601 (e.g. 2027-01-31T23:59:59Z; UTC when no "
            f"offset is given), got {value!r}"
        )


_constructor = yaml.constructor.SafeConstructor()


def read_count(node, base: Path) -> int:
    value = _constructor.construct_yaml_int(_typed(node, {INT}, "a whole number"))
    if not 0 <= value <= MAX_COUNT:
        raise Invalid(f"expected a whole number from 0 to {MAX_COUNT:,}, got {value}")
    return value


def read_flag(node, base: Path) -> bool:
    return _constructor.construct_yaml_bool(_typed(node, {BOOL}, "true or false"))


def read_fraction(node, base: Path) -> float:
    node = _typed(node, {INT, FLOAT}, "a fraction between 0 and 1, e.g. 0.3")
    value = _constructor.construct_yaml_float(node)
    if not 0 < value < 1:
        raise Invalid(f"must be between 0 and 1 (both excluded), e.g. 0.3; got {node.value}")
    return value


def choice(*values: str) -> Callable:
    def read(node, base: Path) -> str:
        value = scalar(node, " or ".join(values)).value.strip()
        if value not in values:
            raise Invalid(f"expected {' or '.join(values)}, got {value!r}")
        return value

    return read


def read_url(node, base: Path) -> str:
    value = line_of("url", 500)(node, base)
    try:
        URLValidator()(value)
    except ValidationError:
        raise Invalid(f"{value!r} is not a web address (https://...)")
    return value


def read_free_text(node, base: Path) -> str:
    value = scalar(node, "text").value.strip()
    if len(value) > 500:
        raise Invalid(f"is {len(value)} characters; the limit is 500")
    return value


REQUIRED = "required"


@dataclass(frozen=True)
class Key:
    read: Callable | None  # None: a nested part, read by its own function
    default: str  # as the README's table states it
    required: bool = False
    nullable: bool = False  # null is allowed and means the default


class Reader:
    """Walks the composed YAML nodes, noting every problem with its line and key."""

    def __init__(self, base: Path):
        self.base = base
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def problem(self, node, key: str, message: str) -> None:
        """A problem of `key`: on its own line where it was read, else on `node`'s."""
        line = self.lines.get(key) or (node.start_mark.line + 1 if node is not None else None)
        self.problems.append(Problem(line, key, message))

    def mapping(self, node, keys: dict[str, Key], prefix: str) -> tuple[dict, dict]:
        """(the values of the known keys that could be read, the value nodes by key)."""
        values, nodes = {}, {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, prefix, f"expected a mapping of keys ({', '.join(keys)})")
            return values, nodes
        key_lines = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            dotted = f"{prefix}.{name}" if prefix else str(name)
            line = key_node.start_mark.line + 1
            if name in key_lines:
                message = f"is given twice (first on line {key_lines[name]})"
                self.problems.append(Problem(line, dotted, message))
                continue
            if name not in keys:
                self.problems.append(Problem(line, dotted, _unknown(name, keys)))
                continue
            key_lines[name] = line
            self.lines[dotted] = key_lines[name]
            nodes[name] = value_node
            key = keys[name]
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == NULL:
                if key.nullable or key.read is None:
                    values[name] = None
                else:
                    self.problem(key_node, dotted, "needs a value")
                continue
            if key.read is None:
                continue
            try:
                values[name] = key.read(value_node, self.base)
            except Invalid as exc:
                self.problem(key_node, dotted, str(exc))
        for name, key in keys.items():
            if key.required and name not in key_lines:
                self.problem(node, f"{prefix}.{name}" if prefix else name, "is missing")
        return values, nodes

    def sequence(self, node, key: str) -> list:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, key, "expected a list (lines starting with -)")
            return []
        return node.value


def _unknown(name, keys) -> str:
    if not isinstance(name, str):
        return "is not a key (a key is a word)"
    close = difflib.get_close_matches(name, list(keys), n=1)
    if close:
        return f"is not a known key; did you mean {close[0]}?"
    return f"is not a known key (the keys here are {', '.join(keys)})"


def compose(path: Path, top_keys) -> yaml.MappingNode:
    """The file's top-level mapping node; FileProblems when there is none to read."""

    def fail(line, message):
        raise FileProblems(path, [Problem(line, "", message)])

    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(None, f"cannot be read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text; save the file as UTF-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        where = f" (column {mark.column + 1})" if mark else ""
        fail(mark.line + 1 if mark else None, f"not valid YAML: {problem}{where}")
    except yaml.YAMLError as exc:
        fail(None, f"not valid YAML: {exc}")
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        fail(line, f"the file must be a mapping of keys ({', '.join(top_keys)}), one per line")
    return root
