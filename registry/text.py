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


# The Vietnamese alphabet: a letter with a breve, circumflex or horn, and đ, is a letter
# of its own after its base (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y);
# the five tone marks only break ties, in the order of dictionaries (none, grave, hook,
# tilde, acute, dot below).
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_key(text: str) -> tuple:
    """A sort key putting Vietnamese names in dictionary order: "Đà Nẵng" after "Cần
    Thơ" and before "Gia Lai", "Cà Mau" before "Cao Bằng" (Python's own order puts Đ
    after Y and compares code points)."""
    letters, tones = [], []
    for char in (text or "").lower():
        if char == "đ":
            letters.append(("d", 4))
            tones.append(0)
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        letters.append((base, sum(_LETTER_MARKS.get(m, 0) for m in marks)))
        tones.append(sum(_TONES.get(m, 0) for m in marks))
    return (letters, tones)


# A province's name starts with its kind ("Tỉnh Cà Mau", "Thành phố Cần Thơ"): lists
# order by what follows, as a reader looks for it.
_PLACE_KINDS = ("thành phố ", "tỉnh ")


def place_key(name: str) -> tuple:
    """`vietnamese_key` of a province's name without its kind: "Thành phố Cần Thơ"
    between "Tỉnh Cao Bằng" and "Thành phố Đà Nẵng"."""
    lowered = (name or "").lower()
    for kind in _PLACE_KINDS:
        if lowered.startswith(kind):
            return vietnamese_key(name[len(kind) :])
    return vietnamese_key(name)


def unit_order(unit) -> tuple:
    """Units as the authority lists them: provincial ones by their province in
    dictionary order, the national body last."""
    if unit.province is None:
        return (True, vietnamese_key(unit.name))
    return (unit.is_national, place_key(unit.province.name))
