"""Risk levels on the pages (registry.risk_levels): `{{ level|risk_badge }}` is the badge's
class. The badge always carries the level's words: colour is never the only sign."""

from django import template

from registry.risk_levels import PUBLIC_ADVICE, RiskLevel

register = template.Library()

# The colours the pages already use: red for serious and high, amber for medium.
BADGES = {
    RiskLevel.SERIOUS: "badge--non_conforming",
    RiskLevel.HIGH: "badge--non_conforming",
    RiskLevel.MEDIUM: "badge--warn",
    RiskLevel.LOW: "badge--info",
}


@register.filter
def risk_badge(level: str) -> str:
    return BADGES.get(level, "")


@register.filter
def risk_advice(level: str) -> str:
    return str(PUBLIC_ADVICE.get(level, ""))
