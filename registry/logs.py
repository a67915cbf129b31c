"""Logs that never carry a reporter's identity, a receipt or a client's address.

The code does not log such things in the first place; this is the second line, on the
handler, for whatever a library or a future message lets through:

- `RedactingFilter` renders each message and replaces IP addresses, receipt codes,
  e-mail addresses and phone numbers with "[…]", and drops the request object Django
  attaches to its request errors (it would carry headers and the query string);
- `JsonFormatter` writes one JSON object a line (`LOG_FORMAT=json`, the default in the
  production profile), with the traceback redacted the same way.
"""

import ipaddress
import logging
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REDACTED = "[…]"
_C = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32, the receipt's alphabet
_PATTERNS = [
    # Receipt codes as shown (five groups of four) or canonical (twenty in a row).
    re.compile(rf"\b(?:{_C}{{4}}(?:-{_C}{{4}}){{4}}|{_C}{{20}})\b", re.IGNORECASE),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Vietnamese phone numbers: 0 or +84 and 9 digits, spaces or dots allowed.
    re.compile(r"(?<![\w.:])(?:\+84|0)(?:[\s.]?\d){9}(?![\w])"),
]
# Anything shaped like an address, replaced only if it parses as one ("12:30:45" stays).
_ADDRESS = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]+(?![\w.:])")


def _address(match: re.Match) -> str:
    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)
    return REDACTED


def redact(text: str) -> str:
    text = _ADDRESS.sub(_address, text)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse a record's exc_text: the plain one then prints it redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if hasattr(record, "request"):
            record.request = None
        return True


class JsonFormatter(_JsonFormatter):
    def formatException(self, ei) -> str:
        return redact(super().formatException(ei))

    def formatStack(self, stack_info) -> str:
        return redact(super().formatStack(stack_info))
