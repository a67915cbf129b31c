"""Vietnamese text for search: "Nước mắm" and "nuoc mam" must find each other."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too) and collapse white space."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
