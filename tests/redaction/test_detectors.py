"""The exporter's own detectors: realistic values found in free text, check digits respected."""

from __future__ import annotations

from collections import Counter

import pytest
from faker import Faker

from mlgov.redaction.detectors import DETECTOR_KINDS, find, iban_valid, luhn_valid, mask_token, redact_text


def _found(text: str) -> list[tuple[str, str]]:
    return [(kind, text[start:end]) for start, end, kind in find(text)]


@pytest.mark.parametrize("locale", ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL"])
def test_faker_values_in_free_text_are_found_whole(locale):
    fake = Faker(locale)
    fake.seed_instance(11)
    for _ in range(150):
        values = {
            "EMAIL": fake.email(),
            "CREDIT_CARD": fake.credit_card_number(card_type=fake.random_element(["visa16", "mastercard", "amex", "discover"])),
            "IBAN": fake.iban(),
        }
        for kind, value in values.items():
            text = f"Ticket: {fake.sentence(nb_words=5)} {value}, thanks."
            assert (kind, value) in _found(text), (locale, kind, value, _found(text))


@pytest.mark.parametrize(
    "phone",
    ["(555) 123-4567", "555-123-4567", "555.123.4567", "+1-555-123-4567", "001-555-123-4567x8901", "+44 20 7946 0958",
     "+49 30 12345678", "029 2018 0447", "(08455) 514397", "0250777631", "+33 1 23 45 67 89"],
)
def test_phone_formats(phone):
    assert _found(f"call me on {phone} tomorrow") == [("PHONE", phone)]


@pytest.mark.parametrize(
    "value,kind",
    [("123-45-6789", "US_SSN"), ("AB 12 34 56 C", "UK_NINO"), ("AB123456D", "UK_NINO"), ("12345678Z", "ES_DNI"), ("X1234567L", "ES_DNI"),
     ("4111 1111 1111 1111", "CREDIT_CARD"), ("DE89 3704 0044 0532 0130 00", "IBAN"), ("jane.doe+ml@example.co.uk", "EMAIL")],
)
def test_national_identifiers_and_grouped_forms(value, kind):
    assert _found(f"id {value} on file") == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn fails
        "000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000",  # never-issued SSNs
        "BG 12 34 56 A", "QQ 12 34 56 C", "AB 12 34 56 E",  # not an allocated NI prefix / suffix
        "12345678A",  # wrong DNI letter
        "order 5551234567 shipped",  # a bare run of digits is no phone number
        "total 1234.56 on 2026-11-30, zip 90210",
        "user at example dot com",
    ],
)
def test_near_misses_are_left_alone(text):
    assert find(text) == []


def test_an_iban_with_a_wrong_check_is_no_iban():
    assert "IBAN" not in {kind for _, _, kind in find("DE89 3704 0044 0532 0130 01")}


def test_a_card_followed_by_more_digits_is_still_masked_and_the_rest_kept():
    assert redact_text("card 4111 1111 1111 1111 2027") == f"card {mask_token('CREDIT_CARD')} 2027"


def test_iban_followed_by_a_word_in_capitals():
    assert _found("pay to GB82WEST12345698765432 BANK ref") == [("IBAN", "GB82WEST12345698765432")]


def test_redact_text_counts_each_value_and_keeps_the_rest():
    counts: Counter[str] = Counter()
    out = redact_text("mail a@b.io or b@c.io, card 4242424242424242", counts)
    assert out == f"mail {mask_token('EMAIL')} or {mask_token('EMAIL')}, card {mask_token('CREDIT_CARD')}"
    assert counts == Counter({"EMAIL": 2, "CREDIT_CARD": 1})
    assert set(counts) <= set(DETECTOR_KINDS)


def test_check_digit_helpers():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert not iban_valid("XX82WEST12345698765432")  # unknown country: no registered length
