"""The exporter's own PII detectors: the second line after Macie.

Macie locates at most 15 occurrences of each type in a finding and only sees
what its managed identifiers cover, so every kept text value is also scanned
here. Each detector is a pattern plus, where the identifier has one, its check
digit, which keeps false positives down on ordinary numbers:

==================  ======================================================================
type                what is matched
==================  ======================================================================
EMAIL               ``local@domain.tld``
PHONE               numbers written with a leading ``+`` and country code (E.164 with
                    spaces, dots or dashes); national numbers with a trunk ``0``
                    (``029 2018 0447``, ``(08455) 514397``, ``0250777631``: 10-12 digits);
                    North American numbers written ``(555) 123-4567``, ``555-123-4567``,
                    ``555.123.4567``, ``+1-``/``001-`` prefixed; with an optional
                    ``x123`` / ``ext. 123`` extension. A bare run of digits that does
                    not start with 0 or + is not a phone number here.
CREDIT_CARD         13-19 digits (optionally in groups split by one space or dash) with a
                    Visa, Mastercard, American Express, Discover, JCB, Diners or Maestro
                    prefix, that network's length and a valid Luhn check digit
IBAN                country code, 2 check digits and the BBAN (optionally in groups of
                    4), with the country's registered length and the ISO 7064 mod-97 check
US_SSN              ``123-45-6789`` (dashed form), without the never-issued 000/666/9xx
                    areas, 00 group or 0000 serial
UK_NINO             UK National Insurance number ``AB 12 34 56 C`` (with or without
                    spaces), with the prefix letters HMRC allocates
ES_DNI              Spanish DNI ``12345678Z`` and NIE ``X1234567L`` with the mod-23 letter
==================  ======================================================================
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

MASK = "[REDACTED:{}]"


def mask_token(kind: str) -> str:
    """What replaces a value of type ``kind``: it names the type and holds nothing of the value."""
    return MASK.format(kind)


def _whole(valid: Callable[[str], bool]) -> Callable[[str], int | None]:
    return lambda text: len(text) if valid(text) else None


@dataclass(frozen=True)
class Detector:
    kind: str
    pattern: re.Pattern[str]
    fit: Callable[[str], int | None] = len
    """Length of the valid value at the start of a match (a match may run on into other text), or None."""
    family: str = "digits"
    """Which candidate (``_CANDIDATE``'s group) a value of this kind contains: ``email``, ``letters`` or ``digits``."""


def luhn_valid(number: str) -> bool:
    digits = [int(ch) for ch in number if ch.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


# Issuer prefixes (IIN ranges) of the card networks the detector knows, with their lengths.
_CARD_NETWORKS: tuple[tuple[re.Pattern[str], range | tuple[int, ...]], ...] = (
    (re.compile(r"4"), (13, 16, 19)),  # Visa
    (re.compile(r"5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)"), range(16, 17)),  # Mastercard
    (re.compile(r"3[47]"), range(15, 16)),  # American Express
    (re.compile(r"6011|65|64[4-9]"), range(16, 20)),  # Discover
    (re.compile(r"35(?:2[89]|[3-8]\d)"), range(16, 20)),  # JCB
    (re.compile(r"2131|1800"), range(15, 16)),  # JCB (15 digits)
    (re.compile(r"30[0-5]|36|38"), range(14, 20)),  # Diners Club
    (re.compile(r"5018|5020|5038|5[6-8]|5893|6304|6759|676[1-3]|0604|6390"), range(16, 20)),  # Maestro (the rare 12-15 digit ones are left out: too many order numbers pass)
)


def card_valid(text: str) -> bool:
    digits = re.sub(r"[ -]", "", text)
    return any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in _CARD_NETWORKS) and luhn_valid(digits)


def _prefix_with(text: str, wanted: int, counts: Callable[[str], bool]) -> int | None:
    """Length of the shortest prefix of ``text`` holding ``wanted`` counted characters."""
    seen = 0
    for index, ch in enumerate(text):
        if counts(ch):
            seen += 1
            if seen == wanted:
                return index + 1
    return None


# Card lengths, most common first: a card followed by more digits (a year, an amount) is still found.
_CARD_LENGTHS = (16, 15, 19, 14, 13, 18, 17)


def card_fit(text: str) -> int | None:
    whole = sum(ch.isdigit() for ch in text)
    for length in ((whole,) if whole <= 19 else ()) + _CARD_LENGTHS:
        end = _prefix_with(text, length, str.isdigit)
        if end is not None and card_valid(text[:end]):
            return end
    return None


# IBAN lengths of the ISO 13616 registry (SWIFT IBAN registry), by country code.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_valid(text: str) -> bool:
    iban = re.sub(r" ", "", text).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def iban_fit(text: str) -> int | None:
    """The IBAN is as long as its country says: text after it (another word, a reference) is not part of it."""
    length = IBAN_LENGTHS.get(text[:2].upper())
    end = _prefix_with(text, length, str.isalnum) if length else None
    return end if end is not None and iban_valid(text[:end]) else None


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def spanish_id_valid(text: str) -> bool:
    value = text.replace("-", "").upper()
    digits = value[:-1]
    if digits[0] in "XYZ":
        digits = str("XYZ".index(digits[0])) + digits[1:]
    return _DNI_LETTERS[int(digits) % 23] == value[-1]


_SEP = r"[ .-]"
_EXTENSION = r"(?:\s*(?:x|ext\.?)\s*\d{1,5})?"


def _digits_between(low: int, high: int) -> Callable[[str], int | None]:
    """Phone numbers have a bounded number of digits (the extension not counted)."""
    return _whole(lambda text: low <= sum(ch.isdigit() for ch in re.split(r"x|ext", text)[0]) <= high)


DETECTORS: tuple[Detector, ...] = (
    # Cards and IBANs first: their digit runs would otherwise be read as phone numbers.
    Detector("CREDIT_CARD", re.compile(r"(?<![\w-])(?:\d[ -]?){12,30}\d(?![\w-])"), card_fit),
    Detector("IBAN", re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,40}"), iban_fit, "letters"),
    Detector("EMAIL", re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"), family="email"),
    Detector("US_SSN", re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")),
    Detector(
        "UK_NINO",
        re.compile(r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"),
        family="letters",
    ),
    Detector("ES_DNI", re.compile(r"(?<![A-Za-z0-9])\d{8}-?[A-Z](?![A-Za-z0-9])"), _whole(spanish_id_valid)),
    Detector("ES_DNI", re.compile(r"(?<![A-Za-z0-9])[XYZ]\d{7}-?[A-Z](?![A-Za-z0-9])"), _whole(spanish_id_valid), "letters"),
    *(
        Detector("PHONE", re.compile(rf"(?<![\w+]){number}{_EXTENSION}(?![\w])"), _digits_between(*digits))
        for number, digits in (
            # International: +<country code> then 2-6 groups of digits.
            (rf"\+\d{{1,3}}(?:{_SEP}?\(?\d{{1,5}}\)?){{2,6}}", (8, 15)),
            # National with a trunk 0 (most of Europe): 0 and the area code, maybe in brackets, then digit groups.
            (rf"\(?0\d{{1,4}}\)?(?:{_SEP}?\d{{2,8}}){{1,4}}", (10, 12)),
            # North American: optional 1 / +1 / 001 prefix, area code, exchange, line.
            (rf"(?:(?:\+?1|001){_SEP})?(?:\(\d{{3}}\) ?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}", (10, 14)),
        )
    ),
)
DETECTOR_KINDS: tuple[str, ...] = tuple(dict.fromkeys(detector.kind for detector in DETECTORS))

# Every detected value is at least 6 characters long and holds an '@' (email) or two digits in a
# row (all the others): values without either, most cells, are skipped at C speed.
_SHORTEST = 6
_TWO_DIGITS = re.compile(r"\d\d")
# Where a value can be: one regex pass per family finds the candidates, and the detectors of that
# family then search only a window around each (Python's re scans every position of a string for
# each pattern; a window keeps that to a few dozen characters).
# A "digits" value has at least 8 digits (DNI, phones; cards and SSNs more), with at most two
# separator characters between two of them ("(555) 123").
_CANDIDATES = {
    "email": re.compile("@"),
    "letters": re.compile(r"[A-Z]{2} ?\d\d|[XYZ]\d{7}"),
    "digits": re.compile(r"[+(]?\d(?:[ ().-]{0,2}\d){7,}"),
}
# How far before and after a candidate its value may reach: an email's local part and domain
# (at most 64 and 255 characters), an IBAN's BBAN in groups, a phone's country prefix or extension.
_WINDOW = {"email": (64, 256), "letters": (0, 48), "digits": (5, 16)}


_SEPARATOR = re.compile(r"[ ().-]")


def _windows(text: str) -> list[tuple[int, int, str]]:
    """(low, high, family) of the stretches where a value may be."""
    windows = []
    for family, pattern in _CANDIDATES.items():
        before, after = _WINDOW[family]
        for candidate in pattern.finditer(text):
            start, end = candidate.span()
            if family == "digits" and start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                # Glued to a word ("C000123456"): no digits detector starts there, maybe after a separator.
                separator = _SEPARATOR.search(text, start, end)
                if separator is None:
                    continue
                start = separator.end()
            windows.append((max(0, start - before), min(len(text), end + after), family))
    return windows


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every detected value, without overlaps (the earlier detector wins)."""
    if len(text) < _SHORTEST or ("@" not in text and not _TWO_DIGITS.search(text)):
        return []
    windows = _windows(text)
    if not windows:
        return []
    spans: list[tuple[int, int, str]] = []
    # Detectors run in their table order (cards before phones), each over every window of its family.
    for detector in DETECTORS:
        for low, high, family in windows:
            if family != detector.family:
                continue
            position = low
            while (match := detector.pattern.search(text, position, high)) is not None:
                start = match.start()
                length = detector.fit(match.group())
                # A failed candidate may hide a real value one character later ("0 4111 1111 1111 1111").
                position = start + (length or 1)
                if length and not any(start < other_end and other_start < start + length for other_start, other_end, _ in spans):
                    spans.append((start, start + length, detector.kind))
    spans.sort()
    return spans


def redact_text(text: str, counts: Counter[str] | None = None) -> str:
    """``text`` with every detected value replaced by its mask token; ``counts`` gets one per value."""
    spans = find(text)
    return mask_spans(text, spans, counts) if spans else text


def mask_spans(text: str, spans: list[tuple[int, int, str]], counts: Counter[str] | None = None) -> str:
    pieces, position = [], 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(mask_token(kind))
        position = end
        if counts is not None:
            counts[kind] += 1
    pieces.append(text[position:])
    return "".join(pieces)
