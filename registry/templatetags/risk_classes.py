"""Product categories' classes on a day, for the pages: `{% category_class category day %}`
renders the class in force (today when `day` is empty), in the law's own words."""

import datetime

from django import template
from django.utils import timezone

from registry import risk

register = template.Library()

# The badge colours the pages already use: red for high risk, amber for the goods that
# need a declaration of conformity, blue for the rest.
BADGES = {
    "high": "badge--non_conforming",
    "medium": "badge--warn",
    "group2": "badge--warn",
    "low": "badge--info",
    "group1": "badge--info",
}


def _day(day) -> datetime.date:
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    return day or risk.today()


@register.simple_tag
def class_on(category, day=None):
    """`{% class_on category day as found %}`: the CategoryClass in force, or None."""
    return risk.class_on(category, _day(day))


@register.simple_tag
def class_history(category):
    return risk.class_history(category)


@register.filter
def class_badge(found) -> str:
    return BADGES.get(getattr(found, "level", ""), "badge--info")


@register.inclusion_tag("registry/_category_class.html")
def category_class(category, day=None, basis=False):
    """The class of `category` in force on `day` (today if empty) as a badge; with
    `basis`, its legal basis and period too."""
    day = _day(day)
    return {
        "found": risk.class_on(category, day),
        "category": category,
        "none_text": risk.no_class_text(day),
        "basis": basis,
    }
