"""Names people choose (user, team, system): what each may hold, and when two are the same.

Two names are the same when their `canonical` forms are: NFKC normalisation (the one Django
applies to user names: `ａｌｉｃｅ` is `alice`, `ﬁ` is `fi`) and case folding (`Straße` is
`strasse`). A look-alike of a taken name is refused, so nobody can pose as another team.
User and team names may not hold control characters (ESC, BEL, line ends: they reach
organizers' terminals), bidirectional overrides (they reverse what a reader sees) or
zero-width and other invisible format characters (they make two equal-looking names
differ). System names are plain: letters, digits, `_`, `.` and `-`.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

# Room for a canonical form: NFKC and case folding can make a name longer (ﷺ is 18
# characters once NFKC-normalised).
MAX_CANONICAL = 300

SYSTEM_NAME_RULE = "1 to 64 characters: letters A-Z and a-z, digits, _ . and -"
SYSTEM_NAME_PATTERN = r"[A-Za-z0-9_.-]{1,64}"
_SYSTEM_NAME = re.compile(SYSTEM_NAME_PATTERN)

# Unicode categories a name never needs: control (Cc), format (Cf: bidirectional
# overrides and isolates, zero-width spaces and joiners, the BOM), line and paragraph
# separators, surrogates, private use and unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def canonical(name: str) -> str:
    """The form two names are compared in: NFKC, then case folded (and NFKC again, since
    folding can undo it)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def invisible_characters(name: str) -> list[str]:
    """The refused characters in the name, as U+XXXX codes (each once, in order)."""
    found: list[str] = []
    for char in name:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def printable(text: str) -> str:
    """The text without the characters refused in names (control, direction-changing,
    invisible), for a terminal: names stored before the check cannot reach one either."""
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c) not in _REFUSED_CATEGORIES)


def check_characters(name: str, what: str) -> None:
    """Refuse control, bidirectional and invisible characters in a user or team name."""
    found = invisible_characters(name)
    if found:
        raise ValidationError(
            f"The {what} holds characters that cannot be shown safely ({', '.join(found)}: "
            "control, direction-changing or invisible characters). Use letters, digits, "
            "spaces and punctuation.",
            code="invisible",
        )


def clean_display_name(name: str, what: str, max_length: int) -> str:
    """A user-chosen team name, stripped, checked for characters and length."""
    name = (name or "").strip()
    check_characters(name, what)
    if not name:
        raise ValidationError(f"Give the {what}.", code="required")
    if len(name) > max_length:
        raise ValidationError(
            f"The {what} is {len(name)} characters long; the limit is {max_length}.",
            code="max_length",
        )
    if len(canonical(name)) > MAX_CANONICAL:
        raise ValidationError(
            f"The {what} holds characters that spell out far longer (such as ligatures); "
            "use plain letters.",
            code="max_length",
        )
    return name


def check_system_name(name: str) -> str:
    """The system name, stripped, if it follows SYSTEM_NAME_RULE; else ValidationError."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the system a name, e.g. Heron_Lab_01.", code="required")
    if not _SYSTEM_NAME.fullmatch(name):
        odd = next((c for c in name if not _SYSTEM_NAME.fullmatch(c)), None)
        if odd is None:
            what = f"is {len(name)} characters long"
        elif odd.isprintable():
            what = f"holds '{odd}'"
        else:
            what = f"holds the control or invisible character U+{ord(odd):04X}"
        raise ValidationError(
            f"The system name {what}; use {SYSTEM_NAME_RULE}, e.g. Heron_Lab_01.", code="invalid"
        )
    return name


def look_alike(name: str, taken) -> str | None:
    """The first of the `taken` names that is the same as `name` once canonical."""
    key = canonical(name)
    return next((other for other in taken if canonical(other) == key), None)
