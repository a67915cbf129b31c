import pytest
from django.core.exceptions import ValidationError

from registry.validators import normalize_gtin, normalize_tax_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0100233488", "0100233488"),
        (" 0100233488 ", "0100233488"),
        ("0100233488-001", "0100233488-001"),
        ("0100233488001", "0100233488-001"),
        ("0314409058-002", "0314409058-002"),
    ],
)
def test_valid_tax_codes_are_normalised(raw, expected):
    assert normalize_tax_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0100233489", "tax_code_checksum"),  # last digit wrong
        ("0100233480", "tax_code_checksum"),
        ("0100233489-001", "tax_code_checksum"),
        ("01002334", "tax_code_length"),
        ("010023348800", "tax_code_length"),
        ("01002334AB", "tax_code_format"),
    ],
)
def test_wrong_tax_codes_are_refused_with_a_clear_code(raw, code):
    with pytest.raises(ValidationError) as info:
        normalize_tax_code(raw)
    assert info.value.code == code


def test_tax_code_checksum_message_names_the_check_digit():
    with pytest.raises(ValidationError) as info:
        normalize_tax_code("0100233489")
    message = info.value.messages[0]
    assert "0100233489" in message
    assert "chữ số kiểm tra" in message


@pytest.mark.parametrize(
    "raw",
    ["96385074", "036000291452", "8934563138165", "10614141000415", "893 4563 138165"],
)
def test_valid_gtins_8_12_13_14(raw):
    assert normalize_gtin(raw) == raw.replace(" ", "")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("8934563138166", "gtin_checksum"),
        ("96385075", "gtin_checksum"),
        ("10614141000416", "gtin_checksum"),
        ("036000291453", "gtin_checksum"),
        ("893456313816", "gtin_checksum"),  # a 12-digit stem is not its 13-digit code
        ("1234567", "gtin_length"),
        ("123456789012345", "gtin_length"),
        ("89345631381A5", "gtin_format"),
    ],
)
def test_wrong_gtins_are_refused(raw, code):
    with pytest.raises(ValidationError) as info:
        normalize_gtin(raw)
    assert info.value.code == code
