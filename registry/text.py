"""Vietnamese text for search: "Nước mắm" and "nuoc mam" must find each other."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too) and collapse white space."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def fold_words(text: str) -> str:
    """`fold`, with every run of punctuation a space: "PA-2026-X7" → "pa 2026 x7". The
    words are what search matches, the same on every database."""
    return " ".join(re.findall(r"\w+", fold(text)))
