"""`{% barcode_prefix_table %}`: GS1's prefix table (registry.barcodes.prefix_table) as a
JSON block for the camera reader (static/js/barcode-scan.js), in the page's language, so
that the script shows the country the server would, and works offline from the page."""

from django import template
from django.utils.html import json_script

from registry.barcodes import prefix_table

register = template.Library()


@register.simple_tag
def barcode_prefix_table():
    return json_script(prefix_table(), "barcode-prefixes")
