"""Barcodes read from photos: a GTIN (with batch and expiry when the code carries GS1
data) proposed to staff, never decided for them.

`read_image` looks at a decoded Pillow image with zxing-cpp (EAN-8, EAN-13, UPC-A, UPC-E,
GS1-128, DataBar, and QR / DataMatrix carrying GS1 element strings or a GS1 Digital Link
URL); everything it returns has passed our own GS1 check digit, whatever the decoder
said, so a misread or a misprinted code is never proposed. `parse_element_string`,
`parse_digital_link`, `normalize_gtin` and `gtin_origin` are pure and usable on their own
(the staff pages show the country of registration beside a typed GTIN too).

Pure: no models, no database. The photo workers call it (registry.images.make_clean_copies
with read_barcode=True) on the pixels they have already decoded.
"""

import calendar
import logging
import re
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, unquote, urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

# The longest side of the image the second and third looks work on: small enough that
# they cost a fraction of the first, large enough for a code that fills a tenth of it.
SECOND_LOOK_MAX_SIDE = 1280
# A first look that took longer than this is not followed by others: the photo worker's
# time matters more than a barcode staff can still type.
LOOK_AGAIN_BUDGET_S = 1.5
GROUP_SEPARATOR = "\x1d"


class BarcodeProposal(models.TextChoices):
    """What staff did with the barcode a photo's worker read ("" when none was read)."""

    PROPOSED = "proposed", _("Chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    SKIPPED = "skipped", _("Đã bỏ qua")


@dataclass(frozen=True)
class Origin:
    """Who issued a GTIN's prefix. kind: "country" (a GS1 member organisation),
    "restricted" (numbers for use inside a company or store, not a product registration),
    "publication" (ISSN/ISBN/ISMN), "coupon", "refund" (refund receipts), "global" (GS1
    Global Office), "demo" (GS1's examples), "reserved" (not allocated yet) or "unknown"."""

    prefix: str
    kind: str
    country_code: str  # ISO 3166-1 alpha-2 when kind is "country", else ""
    name: str  # in Vietnamese (lazy)


@dataclass(frozen=True)
class BarcodeReading:
    gtin: str  # normalised (see normalize_gtin), check digit verified
    symbology: str  # "EAN-13", "EAN-8", "UPC-A", "UPC-E", "GS1-128", "GS1 QR Code", ...
    batch: str = ""
    expiry: date | None = None

    @property
    def origin(self) -> Origin:
        return gtin_origin(self.gtin)


# --- check digit and normal form -----------------------------------------------------------


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of `body` (the digits before the check digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_is_valid(digits: str) -> bool:
    return (
        isinstance(digits, str)
        and digits.isascii()
        and digits.isdigit()
        and len(digits) in (8, 12, 13, 14)
        and check_digit(digits[:-1]) == int(digits[-1])
    )


def normalize_gtin(value: str) -> str | None:
    """The GTIN in its shortest standard form, or None when it is not a valid GTIN.

    A GTIN-12 (UPC-A) and a GTIN-14 whose indicator is 0 are the same number as the
    GTIN-13 with leading zeros, and a GTIN-14 "000000" + GTIN-8 is that GTIN-8: the same
    product read from an EAN-13, a UPC-A or a Digital Link ("/01/0893...") gets one key.
    """
    digits = (value or "").strip().replace(" ", "").replace("-", "")
    if not gtin_is_valid(digits):
        return None
    if len(digits) == 14 and digits.startswith("000000"):
        return digits[6:]
    if len(digits) == 14 and digits.startswith("0"):
        return digits[1:]
    if len(digits) == 12:
        return "0" + digits
    return digits


def gtin_forms(gtin: str) -> list[str]:
    """Every spelling of one GTIN that a record may hold (typed as 8, 12, 13 or 14 digits:
    each length its leading zeros allow), [] for a number that is not a valid GTIN. The
    same set as registry.search.gtin_forms gives for a valid GTIN."""
    normal = normalize_gtin(gtin)
    if normal is None:
        return []
    padded = normal.zfill(14)
    significant = len(padded.lstrip("0")) or 1
    return sorted(padded[-n:] for n in (8, 12, 13, 14) if n >= significant)


# --- the GS1 prefix table --------------------------------------------------------------------

# GS1 prefixes as GS1 publishes them (gs1.org, "GS1 Company Prefix": the prefixes
# allocated to member organisations and for special uses). A prefix tells which GS1 office
# issued the number, not where the goods were made. Ranges are inclusive, of the first
# three digits of the GTIN-13 (a GTIN-12 with a leading 0, a GTIN-14 without its
# indicator). The code is an ISO 3166-1 country, or one of _KIND_NAMES' keys. This is the
# only table: the camera reader (static/js/barcode-scan.js) gets it from `prefix_table`,
# through the page (templates/registry/_barcode_scan.html).
_PREFIXES: list[tuple[int, int, str]] = [
    (0, 19, "US"),  # 000 (00001-0009…) and 001-019; "00000…" is a GTIN-8, see gtin_origin
    (20, 29, "restricted"),  # restricted circulation within a geographic region
    (30, 39, "US"),
    (40, 49, "restricted"),  # restricted circulation within a company
    (50, 59, "reserved"),  # GS1 US, reserved for future use
    (60, 139, "US"),
    (200, 299, "restricted"),
    (300, 379, "FR"),
    (380, 380, "BG"),
    (383, 383, "SI"),
    (385, 385, "HR"),
    (387, 387, "BA"),
    (389, 389, "ME"),
    (390, 390, "XK"),
    (400, 440, "DE"),
    (450, 459, "JP"),
    (460, 469, "RU"),
    (470, 470, "KG"),
    (471, 471, "TW"),
    (474, 474, "EE"),
    (475, 475, "LV"),
    (476, 476, "AZ"),
    (477, 477, "LT"),
    (478, 478, "UZ"),
    (479, 479, "LK"),
    (480, 480, "PH"),
    (481, 481, "BY"),
    (482, 482, "UA"),
    (483, 483, "TM"),
    (484, 484, "MD"),
    (485, 485, "AM"),
    (486, 486, "GE"),
    (487, 487, "KZ"),
    (488, 488, "TJ"),
    (489, 489, "HK"),
    (490, 499, "JP"),
    (500, 509, "GB"),
    (520, 521, "GR"),
    (528, 528, "LB"),
    (529, 529, "CY"),
    (530, 530, "AL"),
    (531, 531, "MK"),
    (535, 535, "MT"),
    (539, 539, "IE"),
    (540, 549, "BE"),  # GS1 Belgium & Luxembourg
    (560, 560, "PT"),
    (569, 569, "IS"),
    (570, 579, "DK"),
    (590, 590, "PL"),
    (594, 594, "RO"),
    (599, 599, "HU"),
    (600, 601, "ZA"),
    (603, 603, "GH"),
    (604, 604, "SN"),
    (605, 605, "UG"),
    (606, 606, "AO"),
    (607, 607, "OM"),
    (608, 608, "BH"),
    (609, 609, "MU"),
    (610, 610, "reserved"),  # managed by GS1 Global Office for a future member
    (611, 611, "MA"),
    (613, 613, "DZ"),
    (614, 614, "reserved"),
    (615, 615, "NG"),
    (616, 616, "KE"),
    (617, 617, "CM"),
    (618, 618, "CI"),
    (619, 619, "TN"),
    (620, 620, "TZ"),
    (621, 621, "SY"),
    (622, 622, "EG"),
    (623, 623, "reserved"),  # formerly GS1 Brunei
    (624, 624, "LY"),
    (625, 625, "JO"),
    (626, 626, "IR"),
    (627, 627, "KW"),
    (628, 628, "SA"),
    (629, 629, "AE"),
    (630, 630, "QA"),
    (631, 631, "NA"),
    (632, 632, "RW"),
    (640, 649, "FI"),
    (680, 681, "CN"),
    (690, 699, "CN"),
    (700, 709, "NO"),
    (729, 729, "IL"),
    (730, 739, "SE"),
    (740, 740, "GT"),
    (741, 741, "SV"),
    (742, 742, "HN"),
    (743, 743, "NI"),
    (744, 744, "CR"),
    (745, 745, "PA"),
    (746, 746, "DO"),
    (750, 750, "MX"),
    (754, 755, "CA"),
    (758, 758, "reserved"),
    (759, 759, "VE"),
    (760, 769, "CH"),
    (770, 771, "CO"),
    (773, 773, "UY"),
    (775, 775, "PE"),
    (777, 777, "BO"),
    (778, 779, "AR"),
    (780, 780, "CL"),
    (784, 784, "PY"),
    (786, 786, "EC"),
    (789, 790, "BR"),
    (800, 839, "IT"),
    (840, 849, "ES"),
    (850, 850, "CU"),
    (858, 858, "SK"),
    (859, 859, "CZ"),
    (860, 860, "RS"),
    (865, 865, "MN"),
    (867, 867, "KP"),
    (868, 869, "TR"),
    (870, 879, "NL"),
    (880, 881, "KR"),
    (883, 883, "MM"),
    (884, 884, "KH"),
    (885, 885, "TH"),
    (888, 888, "SG"),
    (890, 890, "IN"),
    (893, 893, "VN"),
    (894, 894, "reserved"),
    (896, 896, "PK"),
    (899, 899, "ID"),
    (900, 919, "AT"),
    (930, 939, "AU"),
    (940, 949, "NZ"),
    (950, 950, "global"),  # GS1 Global Office
    (951, 951, "global"),  # Global Office, General Manager Numbers (EPC)
    (952, 952, "demo"),  # demonstrations and examples of the GS1 system
    (955, 955, "MY"),
    (958, 958, "MO"),
    (960, 969, "global"),  # Global Office, GTIN-8
    (977, 977, "issn"),
    (978, 979, "isbn"),  # Bookland (ISBN; 979-0 ISMN)
    (980, 980, "refund"),
    (981, 983, "coupon"),  # coupons for common currency areas
    (990, 999, "coupon"),
]

COUNTRY_NAMES = {
    "AE": _("Các Tiểu vương quốc Ả Rập Thống nhất"),
    "AL": _("An-ba-ni"),
    "AM": _("Ác-mê-ni-a"),
    "AO": _("Ăng-gô-la"),
    "AR": _("Ác-hen-ti-na"),
    "AT": _("Áo"),
    "AU": _("Ô-xtrây-li-a"),
    "AZ": _("A-déc-bai-gian"),
    "BA": _("Bô-xni-a và Héc-dê-gô-vi-na"),
    "BE": _("Bỉ và Lúc-xăm-bua"),
    "BG": _("Bun-ga-ri"),
    "BH": _("Ba-ranh"),
    "BO": _("Bô-li-vi-a"),
    "BR": _("Bra-xin"),
    "BY": _("Bê-la-rút"),
    "CA": _("Ca-na-đa"),
    "CH": _("Thụy Sĩ"),
    "CI": _("Cốt Đi-voa"),
    "CL": _("Chi-lê"),
    "CM": _("Ca-mơ-run"),
    "CN": _("Trung Quốc"),
    "CO": _("Cô-lôm-bi-a"),
    "CR": _("Cốt-xta Ri-ca"),
    "CU": _("Cu-ba"),
    "CY": _("Síp"),
    "CZ": _("Séc"),
    "DE": _("Đức"),
    "DK": _("Đan Mạch"),
    "DO": _("Cộng hòa Đô-mi-ni-ca"),
    "DZ": _("An-giê-ri"),
    "EC": _("Ê-cu-a-đo"),
    "EE": _("E-xtô-ni-a"),
    "EG": _("Ai Cập"),
    "ES": _("Tây Ban Nha"),
    "FI": _("Phần Lan"),
    "FR": _("Pháp"),
    "GB": _("Vương quốc Anh"),
    "GE": _("Gru-di-a"),
    "GH": _("Ga-na"),
    "GR": _("Hy Lạp"),
    "GT": _("Goa-tê-ma-la"),
    "HK": _("Hồng Kông (Trung Quốc)"),
    "HN": _("Hôn-đu-rát"),
    "HR": _("Crô-a-ti-a"),
    "HU": _("Hung-ga-ri"),
    "ID": _("In-đô-nê-xi-a"),
    "IE": _("Ai-len"),
    "IL": _("I-xra-en"),
    "IN": _("Ấn Độ"),
    "IR": _("I-ran"),
    "IS": _("Ai-xơ-len"),
    "IT": _("I-ta-li-a"),
    "JO": _("Gioóc-đa-ni"),
    "JP": _("Nhật Bản"),
    "KE": _("Kê-ni-a"),
    "KG": _("Cư-rơ-gư-xtan"),
    "KH": _("Cam-pu-chia"),
    "KP": _("Triều Tiên"),
    "KR": _("Hàn Quốc"),
    "KW": _("Cô-oét"),
    "KZ": _("Ca-dắc-xtan"),
    "LB": _("Li-băng"),
    "LK": _("Xri Lan-ca"),
    "LT": _("Lít-va"),
    "LV": _("Lát-vi-a"),
    "LY": _("Li-bi"),
    "MA": _("Ma-rốc"),
    "MD": _("Môn-đô-va"),
    "ME": _("Môn-tê-nê-grô"),
    "MK": _("Bắc Ma-xê-đô-ni-a"),
    "MM": _("Mi-an-ma"),
    "MN": _("Mông Cổ"),
    "MO": _("Ma Cao (Trung Quốc)"),
    "MT": _("Man-ta"),
    "MU": _("Mô-ri-xơ"),
    "MX": _("Mê-hi-cô"),
    "MY": _("Ma-lai-xi-a"),
    "NA": _("Na-mi-bi-a"),
    "NG": _("Ni-giê-ri-a"),
    "NI": _("Ni-ca-ra-goa"),
    "NL": _("Hà Lan"),
    "NO": _("Na Uy"),
    "NZ": _("Niu Di-lân"),
    "OM": _("Ô-man"),
    "PA": _("Pa-na-ma"),
    "PE": _("Pê-ru"),
    "PH": _("Phi-líp-pin"),
    "PK": _("Pa-ki-xtan"),
    "PL": _("Ba Lan"),
    "PT": _("Bồ Đào Nha"),
    "PY": _("Pa-ra-goay"),
    "QA": _("Ca-ta"),
    "RO": _("Ru-ma-ni"),
    "RS": _("Xéc-bi-a"),
    "RU": _("Nga"),
    "RW": _("Ru-an-đa"),
    "SA": _("A-rập Xê-út"),
    "SE": _("Thụy Điển"),
    "SG": _("Xin-ga-po"),
    "SI": _("Xlô-ven-ni-a"),
    "SK": _("Xlô-va-ki-a"),
    "SN": _("Xê-nê-gan"),
    "SV": _("En Xan-va-đo"),
    "SY": _("Xi-ri"),
    "TH": _("Thái Lan"),
    "TJ": _("Ta-gi-ki-xtan"),
    "TM": _("Tuốc-mê-ni-xtan"),
    "TN": _("Tuy-ni-di"),
    "TR": _("Thổ Nhĩ Kỳ"),
    "TW": _("Đài Loan (Trung Quốc)"),
    "TZ": _("Tan-da-ni-a"),
    "UA": _("U-crai-na"),
    "UG": _("U-gan-đa"),
    "US": _("Hoa Kỳ"),
    "UY": _("U-ru-goay"),
    "UZ": _("U-dơ-bê-ki-xtan"),
    "VE": _("Vê-nê-xu-ê-la"),
    "VN": _("Việt Nam"),
    "XK": _("Cô-xô-vô"),
    "ZA": _("Nam Phi"),
}

_KIND_NAMES = {
    "restricted": _("mã lưu hành hạn chế (dùng nội bộ cửa hàng, doanh nghiệp)"),
    "coupon": _("mã phiếu giảm giá"),
    "refund": _("mã phiếu hoàn tiền"),
    "issn": _("ấn phẩm định kỳ (ISSN)"),
    "isbn": _("sách, bản nhạc (ISBN, ISMN)"),
    "global": _("GS1 toàn cầu cấp"),
    "demo": _("mã minh họa, không dùng cho hàng thật"),
    "reserved": _("dải số GS1 để dành, chưa cấp cho hàng hóa"),
    "unknown": _("chưa rõ nơi cấp mã"),
}
_VARIABLE_MEASURE = _("mã hàng có khối lượng thay đổi")
# The kind an Origin reports for each of _KIND_NAMES' keys.
_KINDS = {"issn": "publication", "isbn": "publication"}


def _prefix_of(gtin: str) -> str:
    """The three digits that GS1 allocates to member organisations."""
    if len(gtin) == 8:
        return gtin[:3]
    if len(gtin) == 14:
        return gtin[1:4]
    return gtin.zfill(13)[:3]


def _range_code(prefix: str) -> str | None:
    if not prefix.isdigit():
        return None
    number = int(prefix)
    for low, high, code in _PREFIXES:
        if low <= number <= high:
            return code
    return None


def gtin_origin(gtin: str) -> Origin:
    """Where a GTIN's prefix was issued (893 → Việt Nam), with the name in Vietnamese."""
    normal = normalize_gtin(gtin) or gtin
    # A GTIN-13 "00000" + 8 digits is a GTIN-8 written long (GS1 leaves 0000001-0000099
    # unused for that reason): its prefix is the GTIN-8's.
    if len(normal) == 13 and normal.startswith("00000"):
        normal = normal[5:]
    prefix = _prefix_of(normal)
    # GTIN-8s starting 0 or 2 are company-internal ("velocity") numbers (GS1 GS 1.4.3).
    if len(normal) == 8 and normal[0] in "02":
        return Origin(prefix, "restricted", "", _KIND_NAMES["restricted"])
    if len(normal) == 14 and normal[0] == "9":
        return Origin(prefix, "restricted", "", _VARIABLE_MEASURE)
    code = _range_code(prefix)
    if code is None:
        return Origin(prefix, "unknown", "", _KIND_NAMES["unknown"])
    if code in _KIND_NAMES:
        return Origin(prefix, _KINDS.get(code, code), "", _KIND_NAMES[code])
    return Origin(prefix, "country", code, COUNTRY_NAMES[code])


def prefix_table() -> dict:
    """The prefix table for the camera reader (static/js/barcode-scan.js), which shows the
    country beside a scanned or typed GTIN exactly as the server would: each range as
    [first, last, kind, country code, name in the current language], and the names of the
    two cases decided by the GTIN's length (gtin_origin)."""
    ranges = []
    for low, high, code in _PREFIXES:
        if code in _KIND_NAMES:
            ranges.append([low, high, _KINDS.get(code, code), "", str(_KIND_NAMES[code])])
        else:
            ranges.append([low, high, "country", code, str(COUNTRY_NAMES[code])])
    return {
        "ranges": ranges,
        "restricted": str(_KIND_NAMES["restricted"]),
        "variable": str(_VARIABLE_MEASURE),
    }


# --- GS1 data: element strings and Digital Link ------------------------------------------------


def _fixed_length(ai: str) -> int | None:
    """Length of the data after a predefined-length AI (GS1 General Specifications,
    figure 7.8.5-2), None when the data runs to a separator or the end."""
    head = ai[:2]
    if head == "00":
        return 18
    if head in ("01", "02", "03"):
        return 14
    if head == "04":
        return 16
    if head in ("11", "12", "13", "14", "15", "16", "17", "18", "19"):
        return 6
    if head == "20":
        return 2
    if head in ("31", "32", "33", "34", "35", "36"):
        return 6
    if head == "41":
        return 13
    return None


def _ai_length(data: str) -> int | None:
    """How many digits the AI at the start of `data` has (2, 3 or 4), None if unknown."""
    head = data[:2]
    if not head.isdigit():
        return None
    n = int(head)
    if n <= 22 or n in (30, 37) or 90 <= n <= 99:
        return 2
    if 23 <= n <= 25 or 40 <= n <= 42:
        return 3
    if 31 <= n <= 36 or n in (39, 43) or 70 <= n <= 72 or 80 <= n <= 82:
        return 4
    return None


def parse_element_string(raw: str) -> dict[str, str]:
    """{AI: value} from a GS1 element string, either raw (FNC1 as the group separator
    \\x1d, as a GS1-128/DataMatrix/QR decodes) or bracketed ("(01)0893...(10)LOT42").
    Stops at the first thing it does not understand, keeping what came before."""
    raw = (raw or "").strip()
    if raw.startswith("]"):  # a symbology identifier left in front (]C1, ]d2, ]Q3, ]e0)
        raw = raw[3:]
    raw = raw.lstrip(GROUP_SEPARATOR)
    if raw.startswith("("):
        return {
            ai: value
            for ai, value in re.findall(r"\((\d{2,4})\)([^()]*)", raw)
            if _ai_length(ai) == len(ai)
        }
    out: dict[str, str] = {}
    rest = raw
    while rest:
        size = _ai_length(rest)
        if size is None or len(rest) < size:
            break
        ai, rest = rest[:size], rest[size:]
        fixed = _fixed_length(ai)
        if fixed is not None:
            value, rest = rest[:fixed], rest[fixed:]
            if len(value) != fixed:
                break
            rest = rest.lstrip(GROUP_SEPARATOR)
        else:
            value, _sep, rest = rest.partition(GROUP_SEPARATOR)
        out[ai] = value
    return out


_DIGITAL_LINK_ALIASES = {"gtin": "01", "lot": "10", "batch": "10", "exp": "17", "expdt": "17"}


def parse_digital_link(url: str) -> dict[str, str]:
    """{AI: value} from a GS1 Digital Link URI ("https://id.gs1.org/01/0893.../10/LOT42
    ?17=271231"), on any domain and under any path prefix; {} when it is not one."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return {}
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return {}
    segments = [unquote(s) for s in parts.path.split("/") if s]
    out: dict[str, str] = {}
    for i in range(len(segments) - 1):
        key = _DIGITAL_LINK_ALIASES.get(segments[i].lower(), segments[i])
        if key == "01" and segments[i + 1].isdigit() and len(segments[i + 1]) in (8, 12, 13, 14):
            out["01"] = segments[i + 1]
            tail = segments[i + 2 :]
            for j in range(0, len(tail) - 1, 2):
                qualifier = _DIGITAL_LINK_ALIASES.get(tail[j].lower(), tail[j])
                if qualifier in ("10", "21", "22", "235"):
                    out[qualifier] = tail[j + 1]
            break
    if "01" not in out:
        return {}
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        key = _DIGITAL_LINK_ALIASES.get(name.lower(), name)
        if key.isdigit() and _ai_length(key) == len(key) and key not in out:
            out[key] = value
    return out


def parse_expiry(value: str, *, today: date | None = None) -> date | None:
    """AI (17) YYMMDD: the century by GS1's sliding window (GS 7.12: up to 49 years ahead,
    50 behind), day 00 meaning the last day of the month. None if not a date."""
    if not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
        return None
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12:
        return None
    current = (today or timezone.localdate()).year
    century, current_yy = divmod(current, 100)
    diff = yy - current_yy
    if diff >= 51:
        century -= 1
    elif diff <= -50:
        century += 1
    year = century * 100 + yy
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last
    if day > last:
        return None
    return date(year, month, day)


def _proposable(gtin: str | None) -> str | None:
    """The GTIN if it may name goods: a coupon's or a refund receipt's number never does."""
    if gtin is None or gtin_origin(gtin).kind in ("coupon", "refund"):
        return None
    return gtin


def reading_from_ais(ais: dict[str, str], symbology: str) -> BarcodeReading | None:
    gtin = _proposable(normalize_gtin(ais.get("01", "")))
    if gtin is None:
        return None
    batch = ais.get("10", "")
    batch = batch if 0 < len(batch) <= 20 and batch.isprintable() else ""
    return BarcodeReading(
        gtin=gtin, symbology=symbology, batch=batch, expiry=parse_expiry(ais.get("17", ""))
    )


def reading_from_text(text: str, symbology: str) -> BarcodeReading | None:
    """A reading from what a symbol holds: digits of an EAN/UPC, a GS1 element string, or
    a Digital Link URL. None when it holds no valid GTIN."""
    text = (text or "").strip()
    if text.isdigit():
        gtin = _proposable(normalize_gtin(text))
        return BarcodeReading(gtin=gtin, symbology=symbology) if gtin else None
    if text.lower().startswith(("http://", "https://")):
        return reading_from_ais(parse_digital_link(text), f"{symbology} (GS1 Digital Link)")
    return reading_from_ais(parse_element_string(text), symbology)


# --- reading an image ---------------------------------------------------------------------------

_NAMES = {
    "EAN13": "EAN-13",
    "EAN8": "EAN-8",
    "UPCA": "UPC-A",
    "UPCE": "UPC-E",
    "Code128": "Code 128",
    "QRCode": "QR Code",
    "DataMatrix": "DataMatrix",
    "DataBar": "GS1 DataBar",
    "DataBarExp": "GS1 DataBar Expanded",
    "DataBarLtd": "GS1 DataBar Limited",
}


def _formats():
    import zxingcpp

    names = ["EAN13", "EAN8", "UPCA", "UPCE", "Code128", "QRCode", "DataMatrix"]
    names += ["DataBar", "DataBarExp", "DataBarLtd"]
    return [getattr(zxingcpp.BarcodeFormat, n) for n in names if hasattr(zxingcpp.BarcodeFormat, n)]


def _symbology(barcode) -> str:
    import zxingcpp

    key = next(
        (k for k in _NAMES if getattr(zxingcpp.BarcodeFormat, k, None) == barcode.format), ""
    )
    name = _NAMES.get(key, str(barcode.format))
    text = barcode.text or ""
    if key == "EAN13" and text.startswith("0"):
        name = "UPC-A"
    if barcode.content_type == zxingcpp.ContentType.GS1:
        name = {"Code 128": "GS1-128", "QR Code": "GS1 QR Code"}.get(
            name, name if name.startswith("GS1") else f"GS1 {name}"
        )
    return name


def _reading(barcode) -> BarcodeReading | None:
    import zxingcpp

    if not barcode.valid or barcode.error is not None:
        return None
    symbology = _symbology(barcode)
    if barcode.content_type == zxingcpp.ContentType.GS1:
        # The raw element string (FNC1 as \x1d) is unambiguous where the bracketed text
        # is not: a batch may itself contain brackets.
        try:
            raw = barcode.bytes.decode("ascii")
        except UnicodeDecodeError:
            return None
        return reading_from_ais(parse_element_string(raw), symbology)
    return reading_from_text(barcode.text, symbology)


def _look(image: Image.Image, *, downscale: bool) -> list[BarcodeReading]:
    import zxingcpp

    found = zxingcpp.read_barcodes(
        image,
        formats=_formats(),
        try_rotate=True,
        try_downscale=downscale,
        try_invert=False,
    )
    return [r for r in (_reading(b) for b in found) if r is not None]


def _grey_within(image: Image.Image, max_side: int) -> Image.Image:
    grey = image.convert("L")
    if max(grey.size) > max_side:
        grey = grey.copy()
        grey.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return ImageOps.autocontrast(grey, cutoff=1)


def read_image(image: Image.Image) -> list[BarcodeReading]:
    """Every distinct GTIN readable in `image` (upright pixels), best first: one with GS1
    data (batch, expiry) before a bare number. [] when nothing valid is found, or when
    the decoder fails: reading is an aid, never a reason to fail a photo.

    First look: the image as it is (zxing tries 90° turns and smaller scales itself).
    Only when that finds nothing: a grey, contrast-stretched copy no larger than
    SECOND_LOOK_MAX_SIDE, then that copy turned 45° and -45° (linear codes read
    across a tilt of about 20° at most). The later looks are skipped when the first
    already took LOOK_AGAIN_BUDGET_S.
    """
    started = time.monotonic()
    try:
        readings = _look(image, downscale=True)
        if not readings and time.monotonic() - started < LOOK_AGAIN_BUDGET_S:
            grey = _grey_within(image, SECOND_LOOK_MAX_SIDE)
            readings = _look(grey, downscale=False)
            for angle in (45, -45):
                if readings:
                    break
                turned = grey.rotate(
                    angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255
                )
                readings = _look(turned, downscale=False)
    except Exception:  # a decoder fault must not fail the photo that carries it
        logger.exception("Barcode reading failed")
        return []
    return _best_first(readings)


def _best_first(readings: list[BarcodeReading]) -> list[BarcodeReading]:
    by_gtin: dict[str, BarcodeReading] = {}
    for reading in readings:
        kept = by_gtin.get(reading.gtin)
        if kept is None or _richness(reading) > _richness(kept):
            by_gtin[reading.gtin] = reading
    return sorted(by_gtin.values(), key=_richness, reverse=True)


def _richness(reading: BarcodeReading) -> int:
    return (reading.expiry is not None) + bool(reading.batch) + (len(reading.gtin) >= 13)


def read_best(image: Image.Image) -> BarcodeReading | None:
    """The one reading to propose for a photo, or None."""
    readings = read_image(image)
    return readings[0] if readings else None


# --- what the photo rows keep and what staff are shown ---------------------------------------


def barcode_proposal_fields(readings) -> dict:
    """The photo row's proposal fields for the best of `readings` ({} when none: a row
    re-processed keeps what staff already decided)."""
    if not readings:
        return {}
    best = readings[0]
    return {
        "proposed_gtin": best.gtin,
        "proposed_batch": best.batch,
        "proposed_expiry": best.expiry,
        "proposed_symbology": best.symbology[:40],
        "proposal_state": BarcodeProposal.PROPOSED,
    }


def describe(gtin: str, batch: str = "", expiry: date | None = None) -> str:
    """ "8935049500100 (Việt Nam) — lô LOT42 — hạn 31/12/2027", as staff read it."""
    origin = gtin_origin(gtin)
    parts = [f"{gtin} ({origin.name})"]
    if batch:
        parts.append(str(_("lô %(batch)s")) % {"batch": batch})
    if expiry:
        parts.append(str(_("hạn %(date)s")) % {"date": expiry.strftime("%d/%m/%Y")})
    return " — ".join(parts)
