"""Money on the pages: amounts in đồng, `{{ amount|vnd }}` (every app's templates load it:
`{% load money %}`)."""

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """40000000 -> "40.000.000" (amounts in đồng, the Vietnamese thousands separator)."""
    return f"{int(amount or 0):,}".replace(",", ".")
