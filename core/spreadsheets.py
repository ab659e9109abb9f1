"""CSV cells that a spreadsheet will not run as formulas.

Vendor data flows into CSV files our users open in Excel; a value such as ``=HYPERLINK(…)``
would run as a formula there. Text starting with a formula character gets a leading
apostrophe, which spreadsheets show as plain text.
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)  # a plain negative number such as -30 stays a number
            return value
        except ValueError:
            return "'" + value
    return value


def safe_row(values: tuple | list) -> list:
    return [safe_cell(v) for v in values]
