import pytest

from gogent.numbers import ascii_digits, row_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),  # past a signed 64-bit id
        ("9" * 40, None),
        ("0", None),
        ("", None),
        (None, None),
        ("²", None),  # a digit to str.isdigit() that int() refuses
        ("٣", None),  # a digit int() reads, not an ASCII one
        (" 12", None),
        ("+12", None),
        ("1_2", None),  # int() reads it as 12
    ],
)
def test_a_row_id_is_ascii_digits_that_fit_64_bits(text, expected):
    assert row_id(text) == expected


def test_ascii_digits():
    assert ascii_digits("0123") and not ascii_digits("²") and not ascii_digits("")
