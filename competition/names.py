"""How names are compared: two names that read the same are the same name."""

import unicodedata


def canonical(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()
