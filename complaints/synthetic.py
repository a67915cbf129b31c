"""Labelled synthetic reports, for measuring duplicate detection (bench/duplicates.py
and tests/complaints/test_duplicates.py).

Products and sellers are drawn from small vocabularies so that near misses are common
("Nước mắm Nam Ngư 500ml" and "... 1l" are two products; "Minh Tâm" and "Minh Tú" two
shops). Each report names one product and one seller the way a citizen might: with or
without accents, a package word, the unit spaced or not, the shop's kind, the
barcode, tax code or shop link only sometimes. Two reports are truly about the same
product or seller when they share the product's or the seller's id.
"""

import random
import re
import unicodedata
from dataclasses import dataclass

from stdnum import ean
from stdnum.vn import mst

KINDS = ["Nước mắm", "Dầu ăn", "Sữa tươi", "Gạo", "Mì ăn liền", "Nước giặt", "Bột ngọt"]
BRANDS = ["Nam Ngư", "Hạnh Phúc", "Biển Xanh", "Phú Quốc", "Kim Long", "Sao Mai"]
SIZES = ["500 ml", "1 l", "5 kg", "900 g"]
SHOPS = ["Minh Tâm", "Minh Tú", "Thành Công", "Hòa Bình", "Phúc Lộc", "Hương Giang"]
SHOPS += ["Thanh Hương", "Bảo An", "Tân Phát", "Quang Minh", "An Khang", "Hồng Hà"]
STREETS = ["Hàng Bạc", "Hàng Đào", "Trần Phú", "Lê Lợi", "Nguyễn Trãi", "Kim Mã"]
DISTRICTS = ["Hoàn Kiếm", "Ba Đình", "Đống Đa", "Hà Đông", "Cầu Giấy"]
SHOP_KINDS = ["Tạp hóa", "Cửa hàng", "Đại lý", "Siêu thị mini", ""]


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    brand: str
    gtin: str


@dataclass(frozen=True)
class Seller:
    id: int
    name: str
    address: str
    tax_code: str
    url: str


@dataclass(frozen=True)
class Report:
    product: Product
    seller: Seller
    fields: dict  # what the citizen typed, for complaint_submit


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _tax_code(rng: random.Random) -> str:
    while True:
        stem = f"{rng.randrange(100_000_000, 999_999_999):09d}"
        digit = mst.calc_check_digit(stem)
        if len(digit) == 1:
            return stem + digit


def _gtin(rng: random.Random) -> str:
    stem = f"893{rng.randrange(10**8, 10**9):09d}"
    return stem + ean.calc_check_digit(stem)


def catalogue(rng: random.Random, products: int, sellers: int):
    names = [(k, b, s) for k in KINDS for b in BRANDS for s in SIZES]
    rng.shuffle(names)
    made_products = [
        Product(i, f"{k} {b} {s}", b, _gtin(rng)) for i, (k, b, s) in enumerate(names[:products])
    ]
    places = [
        (shop, street, district) for shop in SHOPS for street in STREETS for district in DISTRICTS
    ]
    rng.shuffle(places)
    made_sellers = []
    for i, (shop, street, district) in enumerate(places[:sellers]):
        online = rng.random() < 0.3
        slug = _plain(shop).lower().replace(" ", "") + str(i)
        made_sellers.append(
            Seller(
                i,
                shop,
                f"{rng.randrange(1, 200)} {street}, {district}",
                _tax_code(rng),
                f"https://shopee.vn/{slug}" if online else "",
            )
        )
    return made_products, made_sellers


def _as_typed(rng: random.Random, product: Product, seller: Seller) -> dict:
    name = product.name
    if rng.random() < 0.3:
        name = re.sub(r" (\d+) (ml|l|kg|g)$", r" \1\2", name)
    if rng.random() < 0.3:
        name = rng.choice(["Chai ", "Gói ", "Túi ", "Loại "]) + name.lower()
    if rng.random() < 0.4:
        name = _plain(name)
    shop = seller.name
    kind = rng.choice(SHOP_KINDS)
    shop = f"{kind} {shop}".strip()
    if rng.random() < 0.4:
        shop = _plain(shop).lower()
    address = seller.address
    if rng.random() < 0.3:
        address = "Số " + address
    if rng.random() < 0.3:
        address = address.split(",")[0]
    url = seller.url
    if url and rng.random() < 0.5:
        url = url.replace("https://", "https://www.") + "?utm_source=zalo"
    return {
        "kind": "quality",
        "product_name": name,
        "product_brand": product.brand if rng.random() < 0.5 else "",
        "product_gtin": product.gtin if rng.random() < 0.3 else "",
        "seller_name": shop,
        "seller_address": address,
        "seller_url": url if rng.random() < 0.8 else "",
        "seller_tax_code": seller.tax_code if rng.random() < 0.2 else "",
        "description": f"Sản phẩm {name} mua tại {shop} có dấu hiệu không đạt chất lượng.",
    }


def labelled_reports(
    *, reports: int, products: int = 40, sellers: int = 40, cases: int | None = None, seed: int = 6
) -> list[Report]:
    """`reports` reports about `cases` (product, seller) pairs, 1 to 4 reports each."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not a secret)
    made_products, made_sellers = catalogue(rng, products, sellers)
    cases = cases or max(1, reports * 2 // 5)
    pairs = [(rng.choice(made_products), rng.choice(made_sellers)) for _ in range(cases)]
    out = []
    while len(out) < reports:
        product, seller = rng.choice(pairs)
        out.append(Report(product, seller, _as_typed(rng, product, seller)))
    return out


def truly_same(a: Report, b: Report) -> bool:
    return a.product.id == b.product.id or a.seller.id == b.seller.id


def precision_recall(reports: list[Report], ids: list[int], linked: set[tuple[int, int]]):
    """Pairwise: the detected links against the pairs truly about one product or seller."""
    tp = fp = fn = 0
    for i in range(len(reports)):
        for j in range(i + 1, len(reports)):
            pair = tuple(sorted((ids[i], ids[j])))
            same, found = truly_same(reports[i], reports[j]), pair in linked
            tp += same and found
            fp += found and not same
            fn += same and not found
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn
