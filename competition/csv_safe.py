"""Cells that a spreadsheet will not run as a formula: a text cell starting with =, +, -,
@, a tab or a carriage return gets a leading apostrophe; numbers stay numbers."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
