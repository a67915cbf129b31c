"""Reports about the same product or seller, found as they come in.

For a new report (and again when its photos are ready) the candidates are the reports
of the same unit from the last year that share an indexed key with it — barcode, the
seller's tax code, the shop's link, the normalised product or seller name — or whose
text holds its product's longest words, plus those with a photo. Each candidate is then
judged (`reasons`): same barcode, tax code or shop link; product names whose words
mostly agree (Jaccard ≥ 0.75, the brands not contradicting); seller names that mostly
agree at an address that does (the same house number, the street's words mostly
shared); photos within 6 bits of each other's difference hash.
A pair with a reason is linked, and linked reports share a group: the smallest id of
them. Nothing is merged here: officers decide (complaints.services.complaint_merge).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from complaints import matching
from complaints.models import Complaint, ComplaintPhoto, DuplicateLink
from registry.images import hamming
from registry.search import text_matches

Reason = DuplicateLink.Reason
WINDOW = timedelta(days=365)
WORDS_AGREE = 0.75
ADDRESS_AGREES = 0.5
PHOTO_BITS = 6
MAX_CANDIDATES = 500
MAX_PHOTOS = 5000


def reasons(a: Complaint, b: Complaint, photo_distance: int | None = None) -> list[str]:
    """Why `a` and `b` are about the same product or seller (empty: they are not)."""
    found = []
    if a.product_gtin and a.product_gtin == b.product_gtin:
        found.append(Reason.SAME_BARCODE)
    if a.seller_tax_code and a.seller_tax_code == b.seller_tax_code:
        found.append(Reason.SAME_TAX_CODE)
    if a.seller_url_key and a.seller_url_key == b.seller_url_key:
        found.append(Reason.SAME_SHOP_URL)
    products = matching.product_words(a.product_name), matching.product_words(b.product_name)
    brands = matching.product_words(a.product_brand), matching.product_words(b.product_brand)
    if (
        min(len(products[0]), len(products[1])) >= 2
        and matching.jaccard(*products) >= WORDS_AGREE
        and (not brands[0] or not brands[1] or matching.jaccard(*brands) >= WORDS_AGREE)
    ):
        found.append(Reason.SIMILAR_PRODUCT)
    sellers = matching.seller_words(a.seller_name), matching.seller_words(b.seller_name)
    if sellers[0] and matching.jaccard(*sellers) >= WORDS_AGREE and _same_place(a, b):
        found.append(Reason.SIMILAR_SELLER)
    if photo_distance is not None and photo_distance <= PHOTO_BITS:
        found.append(Reason.SIMILAR_PHOTO)
    return [str(r) for r in found]


def _same_place(a: Complaint, b: Complaint) -> bool:
    """The same province and, when both gave an address, the same house number (if both
    wrote one) on a street whose words mostly agree."""
    if a.seller_province_id != b.seller_province_id:
        return False
    places = matching.address_words(a.seller_address), matching.address_words(b.seller_address)
    if not places[0] or not places[1]:
        return True
    numbers = [{w for w in words if w.isdigit()} for words in places]
    if numbers[0] and numbers[1] and not numbers[0] & numbers[1]:
        return False
    streets = [[w for w in words if not w.isdigit()] for words in places]
    return matching.jaccard(*streets) >= ADDRESS_AGREES


def candidates(complaint: Complaint) -> list[Complaint]:
    recent = Complaint.objects.filter(
        unit_id=complaint.unit_id, received_at__gte=complaint.received_at - WINDOW
    ).exclude(pk=complaint.pk)
    keys = Q()
    for field in ("product_gtin", "seller_tax_code", "seller_url_key", "product_key", "seller_key"):
        value = getattr(complaint, field)
        if value:
            keys |= Q(**{field: value})
    found = {c.pk: c for c in recent.filter(keys)[:MAX_CANDIDATES]} if keys else {}
    longest = sorted(matching.product_words(complaint.product_name), key=len, reverse=True)[:2]
    if longest:
        text = text_matches(recent, " ".join(longest)).order_by("-received_at")
        found.update((c.pk, c) for c in text[:MAX_CANDIDATES])
    sellers = matching.seller_words(complaint.seller_name)
    if sellers:
        longest = sorted(sellers, key=len, reverse=True)[:2]
        text = text_matches(recent, " ".join(longest)).order_by("-received_at")
        found.update((c.pk, c) for c in text[:MAX_CANDIDATES])
    return list(found.values())


def _photo_distances(complaint: Complaint) -> dict[int, int]:
    """For each other report of the unit with a photo, its closest photo's distance."""
    mine = list(
        ComplaintPhoto.objects.filter(complaint=complaint, dhash__isnull=False).values_list(
            "dhash", flat=True
        )
    )
    if not mine:
        return {}
    others = (
        ComplaintPhoto.objects.filter(
            complaint__unit_id=complaint.unit_id,
            complaint__received_at__gte=complaint.received_at - WINDOW,
            dhash__isnull=False,
        )
        .exclude(complaint=complaint)
        .order_by("-pk")
        .values_list("complaint_id", "dhash")[:MAX_PHOTOS]
    )
    best: dict[int, int] = {}
    for complaint_id, value in others:
        distance = min(hamming(value, own) for own in mine)
        if distance < best.get(complaint_id, 65):
            best[complaint_id] = distance
    return best


def duplicates_detect(complaint_id: int) -> list[DuplicateLink]:
    """Link a report to the reports it duplicates and merge their groups. Running it
    again finds the same links and changes nothing."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return []
    distances = _photo_distances(complaint)
    pool = {c.pk: c for c in candidates(complaint)}
    missing = [pk for pk in distances if pk not in pool and distances[pk] <= PHOTO_BITS]
    pool.update((c.pk, c) for c in Complaint.objects.filter(pk__in=missing))
    links = []
    for other in pool.values():
        why = reasons(complaint, other, distances.get(other.pk))
        if why:
            links.append(_link(complaint, other, why))
    if links:
        _join_groups(
            complaint, [link.first_id for link in links] + [link.second_id for link in links]
        )
    return links


def _link(a: Complaint, b: Complaint, why: list[str]) -> DuplicateLink:
    first, second = sorted((a.pk, b.pk))
    try:
        with transaction.atomic():
            link, created = DuplicateLink.objects.get_or_create(
                first_id=first, second_id=second, defaults={"reasons": why}
            )
    except IntegrityError:  # the other report's detection linked them at the same moment
        link, created = DuplicateLink.objects.get(first_id=first, second_id=second), False
    if not created and set(why) - set(link.reasons):
        link.reasons = sorted(set(link.reasons) | set(why))
        link.save(update_fields=["reasons"])
    return link


@transaction.atomic
def _join_groups(complaint: Complaint, members: list[int]) -> None:
    """One group for the report, its linked reports and everything already grouped with
    them, named by the smallest id: the same result in whatever order reports arrive."""
    ids = set(members) | {complaint.pk}
    # Every row the join changes is locked in one statement, in id order: two joins over
    # overlapping groups then wait for each other instead of deadlocking (as they did
    # under load when rows were locked in no order and others updated unlocked).
    groups: set[int] = set()
    while True:
        rows = list(
            Complaint.objects.select_for_update()
            .filter(Q(pk__in=ids) | Q(duplicate_group__in=groups))
            .order_by("pk")
            .values_list("pk", "duplicate_group")
        )
        found = {group for _pk, group in rows if group is not None}
        if found <= groups:
            break
        groups |= found  # a group joined since: lock its members too
    everyone = {pk for pk, _group in rows}
    root = min(everyone)
    Complaint.objects.filter(Q(pk__in=everyone) | Q(duplicate_group__in=groups)).exclude(
        duplicate_group=root
    ).update(duplicate_group=root)


def group_of(*, user, complaint: Complaint) -> list[dict]:
    """The other reports of a report's group that `user` may see, each with why it was
    linked to a member."""
    if complaint.duplicate_group is None:
        return []
    members = list(
        Complaint.objects.visible_to(user)
        .filter(duplicate_group=complaint.duplicate_group)
        .exclude(pk=complaint.pk)
        .select_related("merged_into")
        .order_by("received_at", "pk")
    )
    ids = [m.pk for m in members] + [complaint.pk]
    why: dict[int, set] = {}
    for link in DuplicateLink.objects.filter(first_id__in=ids, second_id__in=ids):
        for pk in (link.first_id, link.second_id):
            why.setdefault(pk, set()).update(link.reasons)
    labels = dict(Reason.choices)
    return [
        {
            "complaint": m,
            "codes": sorted(why.get(m.pk, ())),
            "reasons": [str(labels[r]) for r in sorted(why.get(m.pk, ()))],
        }
        for m in members
    ]
