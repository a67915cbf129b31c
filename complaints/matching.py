"""What makes two reports about the same product or the same seller: normalised keys
kept on each report (for indexed lookups) and the similarity of their words.

Reporters write the same thing many ways: "Nước mắm Nam Ngư chai 500 ml", "nuoc mam
nam ngu 500ml", "Tạp hóa Minh Tâm" and "cửa hàng minh tam". Words are folded (no
accents, lower case), a quantity is joined to its unit, and the words that say what
kind of thing or shop it is ("chai", "tạp hóa", "công ty TNHH") are dropped.
"""

import re
from urllib.parse import urlsplit

from registry.text import fold_words

# Words that say what kind of package or shop it is, not which one.
PRODUCT_FILLER = frozenset(
    [
        "chai",
        "hop",
        "goi",
        "tui",
        "lon",
        "loai",
        "san",
        "pham",
        "hang",
        "hoa",
        "cai",
        "thung",
        "binh",
        "can",
        "vi",
        "bich",
    ]
)
SELLER_FILLER = frozenset(
    [
        "cua",
        "hang",
        "tap",
        "hoa",
        "cong",
        "ty",
        "tnhh",
        "co",
        "phan",
        "cp",
        "shop",
        "dai",
        "ly",
        "sieu",
        "thi",
        "quay",
        "kiot",
        "kiosk",
        "nha",
        "thuoc",
        "store",
        "official",
        "mall",
        "mini",
        "chinh",
        "ho",
        "kinh",
        "doanh",
        "hkd",
        "mtv",
        "thuong",
        "mai",
        "dich",
        "vu",
        "tm",
        "dv",
        "san",
        "xuat",
        "sx",
        "va",
    ]
)
ADDRESS_FILLER = frozenset(["so", "duong", "pho", "phuong", "quan", "huyen", "xa", "tp", "tinh"])
_QUANTITY = re.compile(r"\b(\d+(?:\s\d+)?)\s(ml|l|lit|g|gr|gram|kg|mg|cc|vien|goi)\b")


def _words(text: str, filler: frozenset) -> list[str]:
    folded = _QUANTITY.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), fold_words(text))
    return sorted({word for word in folded.split() if word not in filler})


def product_words(name: str) -> list[str]:
    return _words(name, PRODUCT_FILLER)


def seller_words(name: str) -> list[str]:
    return _words(name, SELLER_FILLER)


def address_words(address: str) -> list[str]:
    return _words(address, ADDRESS_FILLER)


def product_key(name: str) -> str:
    return " ".join(product_words(name))[:300]


def seller_key(name: str) -> str:
    return " ".join(seller_words(name))[:300]


def shop_url_key(url: str) -> str:
    """The shop a link points at: host without www/m, and path, without query or
    fragment ("https://www.shopee.vn/tamminh?x=1" → "shopee.vn/tamminh")."""
    if not url:
        return ""
    parts = urlsplit(url.strip().lower())
    host = parts.hostname or ""
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return f"{host}{parts.path.rstrip('/')}"[:300] if host else ""


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0
