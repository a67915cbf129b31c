from django import template

from violations.documents import vnd as vnd_format

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """40000000 -> "40.000.000" (amounts in đồng, Vietnamese thousands separator)."""
    return vnd_format(int(amount or 0))
