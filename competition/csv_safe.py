"""Cells that a spreadsheet will not run as a formula: a text cell starting with =, +, -,
@, a tab or a carriage return gets a leading apostrophe; numbers stay numbers; booleans are
written true/false."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    # true/false as other CSV readers expect them, not Python's True/False.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
