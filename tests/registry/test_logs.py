"""Logs carry no receipt, address, e-mail or phone number, and read as JSON lines."""

import io
import json
import logging
import logging.config

import pytest
from django.test import RequestFactory

from complaints.receipts import new_receipt
from registry.logs import JsonFormatter, RedactingFilter, redact


def json_logger(stream) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_personal_data_is_replaced_and_the_rest_kept():
    receipt = new_receipt()
    line = redact(
        f"lookup {receipt} ({receipt.replace('-', '')}) from 203.0.113.7 / 2001:db8::1, "
        "mail lan.nguyen@example.vn, phone 0912 345 678 and +84912345678; "
        "photo 7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b at 12:30:45, version 1.2.3"
    )
    for secret in (receipt, receipt.replace("-", ""), "203.0.113.7", "2001:db8::1", "example.vn"):
        assert secret not in line
    assert "0912" not in line and "+8491" not in line
    assert "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b" in line and "12:30:45" in line
    assert "1.2.3" in line


def test_json_lines_with_fields_and_no_request_object():
    stream = io.StringIO()
    logger = json_logger(stream)
    request = RequestFactory().get("/tra-cuu/?code=7K2Q-9XMD-ABCD-EFGH-JKMN")
    logger.error("Lỗi khi tra cứu %s", "7K2Q-9XMD-ABCD-EFGH-JKMN", extra={"request": request})
    try:
        raise ValueError("bad receipt 7K2Q-9XMD-ABCD-EFGH-JKMN from 198.51.100.4")
    except ValueError:
        logger.exception("failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "ERROR" and first["logger"] == "tests.logs"
    assert first["message"] == "Lỗi khi tra cứu […]" and first["time"]
    assert first.get("request") is None
    assert "7K2Q" not in json.dumps(first) and "7K2Q" not in json.dumps(second)
    assert "198.51.100.4" not in second["exc_info"] and "ValueError" in second["exc_info"]


def test_the_settings_choose_json_or_plain():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["redact"]
    assert handler["formatter"] == settings.LOG_FORMAT == "plain"  # the development profile
    as_json = {**settings.LOGGING, "handlers": {"console": {**handler, "formatter": "json"}}}
    try:
        logging.config.dictConfig(as_json)  # the production profile's configuration loads
        formatter = logging.getLogger().handlers[0].formatter
        assert isinstance(formatter, JsonFormatter)
    finally:
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize("value", ["xml", ""])
def test_an_unknown_log_format_stops_the_process(value):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": value, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr


def test_plain_tracebacks_are_redacted_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.logs.plain")
    logger.handlers[:] = [handler]
    logger.propagate = False
    try:
        raise ValueError("from 198.51.100.4")
    except ValueError:
        logger.exception("failed for lan.nguyen@example.vn")
    text = stream.getvalue()
    assert "198.51.100.4" not in text and "example.vn" not in text
    assert "ValueError" in text and "Traceback" in text
