"""Checklist items whose wording depends on the day, read by the inspection's date.

The item `cr_mark` asks about the declaration of conformity and the CR mark, which the
law asks of "hàng hóa nhóm 2" until 30/06/2026 and of medium- and high-risk goods from
01/07/2026 (Law 78/2025/QH15). The stored text leaves the goods out (inspections
migration 0013); `item_text` adds the words in force on the day, wherever an item is
shown: the tablet's pages (and so the copy it keeps offline), the minutes, the API.
"""

import datetime
from dataclasses import dataclass

from registry.risk import RISK_CLASSES_FROM


@dataclass(frozen=True)
class DatedWords:
    valid_from: datetime.date | None
    valid_to: datetime.date | None  # the last day, included
    words: str

    def in_force_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


# Item code -> the goods it applies to, by period. In Vietnamese like the stored item
# texts (the minutes print them as they are).
DATED_WORDS: dict[str, tuple[DatedWords, ...]] = {
    "cr_mark": (
        DatedWords(None, RISK_CLASSES_FROM - datetime.timedelta(days=1), "hàng hóa nhóm 2"),
        DatedWords(RISK_CLASSES_FROM, None, "hàng hóa rủi ro trung bình, rủi ro cao"),
    ),
}


def _bare(code: str, text: str) -> str:
    """The text without any of its dated words, should a later checklist version still
    carry them."""
    for words in DATED_WORDS.get(code, ()):
        suffix = f" ({words.words})"
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def item_text(item, day: datetime.date) -> str:
    """The item's text as it reads on `day`."""
    words = next((w for w in DATED_WORDS.get(item.code, ()) if w.in_force_on(day)), None)
    bare = _bare(item.code, item.text)
    return f"{bare} ({words.words})" if words else bare


def item_texts(item) -> list[dict]:
    """Every wording of the item with its period ({valid_from, valid_to, text}; one,
    undated, for most items): what an offline client needs to show the item for an
    inspection on any day."""
    bare = _bare(item.code, item.text)
    periods = DATED_WORDS.get(item.code)
    if not periods:
        return [{"valid_from": None, "valid_to": None, "text": bare}]
    return [
        {"valid_from": w.valid_from, "valid_to": w.valid_to, "text": f"{bare} ({w.words})"}
        for w in periods
    ]
