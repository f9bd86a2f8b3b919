"""Pure formatting shared by the app and the board deck: palette, labels, money and percentages.

No streamlit here, so data_models (the deck) and pages (pages/shared/ui.py) format numbers
and colour series the same way.
"""
from __future__ import annotations

import math

PALETTE = ["#0B6E4F", "#3A86FF", "#F4A259", "#8E5572", "#5B8E7D", "#BC4B51", "#6C757D", "#2E4057", "#C9A227"]
GROUP_COLORS = {"marketing": "#0B6E4F", "sales": "#3A86FF", "partner": "#F4A259", "unknown": "#ADB5BD"}

MODEL_LABELS = {
    "first_touch": "First touch", "last_touch": "Last touch", "linear": "Linear",
    "u_shaped": "U-shaped (40/20/40)", "w_shaped": "W-shaped (30/30/30/10)", "full_path": "Full path (22.5×4 + 10)",
    "time_decay": "Time decay", "j_shaped": "J-shaped (20/60)", "inverse_j": "Inverse J (60/20)",
    "custom": "Custom weights", "markov": "Markov chain (data-driven)", "shapley": "Shapley value (data-driven)",
}
SOURCED_LABELS = {"lead_source": "Lead source", "first_touch": "First touch in lookback"}

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def money(value, currency: str = "USD") -> str:
    """Executive money: $4.1M, $950K, $12,300 below ten thousand."""
    if _missing(value):
        return "–"
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    if v >= 1e9:
        text = f"{v / 1e9:.1f}B"
    elif v >= 1e6:
        text = f"{v / 1e6:.1f}M"
    elif v >= 1e4:
        text = f"{v / 1e3:.0f}K"
    else:
        text = f"{v:,.0f}"
    return f"{sign}{symbol}{text}"


def pct(value, digits: int = 0) -> str:
    if _missing(value):
        return "–"
    return f"{float(value) * 100:.{digits}f}%"


def money_number_format(currency: str = "USD") -> str:
    """The spreadsheet number format that shows a value as money() does ($4.1M, $950K, $9,500),
    for chart data labels and axes that must stay numbers (editable) yet read like the app."""
    s = CURRENCY_SYMBOLS.get(currency, "")
    s = f'"{s}"' if s else ""
    return f'[>=1000000]{s}#,##0.0,,"M";[>=10000]{s}#,##0,"K";{s}#,##0'


PCT_NUMBER_FORMAT = "0%"
