"""Risk levels of a product's hazard, after the EU Safety Gate (RAPEX) method.

Not to be confused with `registry.risk`, the risk CLASSES of product categories under
Law 78/2025: a class says how closely a kind of goods is managed; a risk level says how
dangerous one product found on the market is.

The method is that of the EU "Risk assessment guidelines for consumer products":
Commission Implementing Decision (EU) 2019/417 of 8 November 2018 (guidelines for the
management of RAPEX, now Safety Gate), Annex, Part III "Risk assessment guidelines",
which keeps the method of Commission Decision 2010/15/EU, Annex, Part III. The assessor
writes an injury scenario (how the hazard harms a consumer), grades the severity of the
injury from 1 to 4 (Table 3 of the guidelines) and the probability of that harm during
the product's foreseeable lifetime in bands, and Table 4 "Combining severity of injury
with probability to give a risk level" gives the level, reproduced in `MATRIX` below:

    probability of damage       severity 1   2          3          4
    > 50 %                      high         serious    serious    serious
    > 1/10                      medium       serious    serious    serious
    > 1/100                     medium       serious    serious    serious
    > 1/1 000                   low          high       serious    serious
    > 1/10 000                  low          medium     high       serious
    > 1/100 000                 low          low        medium     high
    > 1/1 000 000               low          low        low        medium
    < 1/1 000 000               low          low        low        low

A pure module: no database, no other app. The models keep what the assessor chose
(hazard, severity, probability, reasoning) and the level the services compute here; a
level is never typed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hazard(models.TextChoices):
    """The kind of hazard (the guidelines' Table 2, with the economic and labelling harms
    this authority also handles). The label is the plain wording the public reads."""

    CHEMICAL = "chemical", _("Nguy cơ hóa chất độc hại")
    MICROBIOLOGICAL = "microbiological", _("Nguy cơ vi sinh vật gây bệnh")
    CHOKING = "choking", _("Nguy cơ hóc, nghẹn")
    INJURIES = "injuries", _("Nguy cơ gây thương tích, đứt tay")
    ELECTRIC_SHOCK = "electric_shock", _("Nguy cơ điện giật")
    FIRE = "fire", _("Nguy cơ cháy, nổ")
    BURNS = "burns", _("Nguy cơ bỏng")
    SUFFOCATION = "suffocation", _("Nguy cơ ngạt thở")
    STRANGULATION = "strangulation", _("Nguy cơ siết cổ")
    HEARING_SIGHT = "hearing_sight", _("Nguy cơ tổn hại thính giác, thị giác")
    SHORT_WEIGHT = "short_weight", _("Thiếu khối lượng, đo lường sai (thiệt hại kinh tế)")
    MISLEADING = "misleading", _("Ghi nhãn sai, gây nhầm lẫn")
    ENVIRONMENT = "environment", _("Nguy cơ gây hại môi trường")
    OTHER = "other", _("Nguy cơ khác")


class Severity(models.IntegerChoices):
    """Severity of the injury in the scenario (the guidelines' Table 3)."""

    MINOR = 1, _("Mức 1, nhẹ: khỏi hoàn toàn, không cần điều trị hoặc chỉ sơ cứu")
    MODERATE = 2, _("Mức 2, vừa: cần khám, điều trị tại cơ sở y tế, có thể nằm viện ngắn ngày")
    SEVERE = 3, _("Mức 3, nặng: phải nằm viện, có thể để lại tổn thương lâu dài")
    VERY_SEVERE = 4, _("Mức 4, rất nặng: tử vong hoặc tàn tật vĩnh viễn")


class Probability(models.TextChoices):
    """Probability of the harm during the product's foreseeable lifetime, in the bands
    of the guidelines' Table 4, most likely first."""

    OVER_HALF = "gt_1_2", _("Trên 50 %")
    OVER_10 = "gt_1_10", _("Trên 1/10")
    OVER_100 = "gt_1_100", _("Trên 1/100")
    OVER_1K = "gt_1_1k", _("Trên 1/1.000")
    OVER_10K = "gt_1_10k", _("Trên 1/10.000")
    OVER_100K = "gt_1_100k", _("Trên 1/100.000")
    OVER_1M = "gt_1_1m", _("Trên 1/1.000.000")
    UNDER_1M = "lt_1_1m", _("Dưới 1/1.000.000")


class RiskLevel(models.TextChoices):
    SERIOUS = "serious", _("Nghiêm trọng")
    HIGH = "high", _("Cao")
    MEDIUM = "medium", _("Trung bình")
    LOW = "low", _("Thấp")


S, H, M, L = RiskLevel.SERIOUS, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

# Table 4 of the guidelines: for each probability band, the level for severity 1 to 4.
MATRIX: dict[str, tuple[RiskLevel, RiskLevel, RiskLevel, RiskLevel]] = {
    Probability.OVER_HALF: (H, S, S, S),
    Probability.OVER_10: (M, S, S, S),
    Probability.OVER_100: (M, S, S, S),
    Probability.OVER_1K: (L, H, S, S),
    Probability.OVER_10K: (L, M, H, S),
    Probability.OVER_100K: (L, L, M, H),
    Probability.OVER_1M: (L, L, L, M),
    Probability.UNDER_1M: (L, L, L, L),
}

# The levels that warrant telling the other units at once (violations/notices.py).
URGENT = (RiskLevel.SERIOUS, RiskLevel.HIGH)

# What the public reads beside the level: what it means for them.
PUBLIC_ADVICE = {
    RiskLevel.SERIOUS: _("Ngừng sử dụng ngay; cơ quan chức năng yêu cầu thu hồi, xử lý khẩn."),
    RiskLevel.HIGH: _("Không nên sử dụng; sản phẩm cần được thu hồi hoặc khắc phục."),
    RiskLevel.MEDIUM: _("Cần thận trọng khi sử dụng; sản phẩm phải được khắc phục."),
    RiskLevel.LOW: _("Rủi ro thấp; sản phẩm vẫn phải được khắc phục theo quy định."),
}


def risk_level(severity: int, probability: str) -> RiskLevel:
    """The level Table 4 gives for a severity (1 to 4) and a probability band. Raises
    ValueError for a severity or a band the guidelines do not have."""
    try:
        row = MATRIX[Probability(probability)]
        grade = Severity(int(severity))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"No risk level for severity {severity!r}, {probability!r}.") from exc
    return row[grade - 1]


def hazard_label(hazard: str) -> str:
    """The plain wording of a hazard, or "" for none (or one no longer known)."""
    return str(Hazard(hazard).label) if hazard in Hazard.values else ""


def level_label(level: str) -> str:
    return str(RiskLevel(level).label) if level in RiskLevel.values else ""
