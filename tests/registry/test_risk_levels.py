"""The risk level of the EU Safety Gate guidelines' Table 4 (registry.risk_levels)."""

import pytest

from registry.risk_levels import (
    MATRIX,
    Hazard,
    Probability,
    RiskLevel,
    Severity,
    hazard_label,
    risk_level,
)

S, H, M, L = RiskLevel.SERIOUS, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW


@pytest.mark.parametrize(
    ("severity", "probability", "level"),
    [
        (1, Probability.OVER_HALF, H),  # the only severity-1 case above medium
        (1, Probability.OVER_10, M),
        (1, Probability.OVER_1K, L),  # the guidelines' folding chair: minor pinching
        (2, Probability.OVER_100, S),
        (2, Probability.OVER_1K, H),
        (2, Probability.OVER_10K, M),
        (2, Probability.OVER_100K, L),
        (3, Probability.OVER_10K, H),
        (3, Probability.OVER_100K, M),
        (4, Probability.OVER_10K, S),
        (4, Probability.OVER_100K, H),
        (4, Probability.OVER_1M, M),
        (4, Probability.UNDER_1M, L),
    ],
)
def test_the_guidelines_table(severity, probability, level):
    assert risk_level(severity, probability) == level


def test_every_cell_is_a_level_and_never_less_grave_with_more_harm():
    order = [S, H, M, L]
    bands = list(Probability)
    assert list(MATRIX) == bands and len(MATRIX) == 8
    for band in bands:
        row = [order.index(risk_level(sev, band)) for sev in Severity.values]
        assert row == sorted(row, reverse=True)  # graver with severity
    for sev in Severity.values:
        column = [order.index(risk_level(sev, band)) for band in bands]
        assert column == sorted(column)  # graver with probability


@pytest.mark.parametrize(("severity", "probability"), [(0, "gt_1_10"), (5, "gt_1_10"), (2, "x")])
def test_a_severity_or_band_the_guidelines_lack_is_refused(severity, probability):
    with pytest.raises(ValueError):
        risk_level(severity, probability)


def test_hazards_read_in_plain_vietnamese():
    assert hazard_label(Hazard.ELECTRIC_SHOCK) == "Nguy cơ điện giật"
    assert hazard_label("") == "" and hazard_label("unknown") == ""
    assert len(Hazard.values) == 14
