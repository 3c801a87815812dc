"""The identifier detector: what text published beyond governance may not hold (issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.governance.domain.identifiers import (
    Identifier,
    identifiers_in,
    nhs_number_is_valid,
)

# Published test numbers that pass the Modulus 11 check, and the same with one digit changed.
VALID = ["9434765919", "4010232137", "4505577104", "9876543210"]
INVALID = ["9434765918", "1234567890", "4010232138", "943476591", "94347659190", "94347659a9"]


@pytest.mark.parametrize("number", VALID)
def test_a_valid_nhs_number_passes_modulus_11(number: str) -> None:
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", INVALID)
def test_a_number_failing_modulus_11_or_not_ten_digits_is_not_an_nhs_number(number: str) -> None:
    assert not nhs_number_is_valid(number)


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1000000010: weights give 10 + 2 = 12, remainder 1, check 10: no NHS number ends so.
    assert not any(nhs_number_is_valid(f"100000001{d}") for d in "0123456789")


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5919",
        "nhs no 943-476-5919.",
        "9434765919",
        "(401 023 2137)",
        "ref:nhs4010232137",
        "943 4765 919",
    ],
)
def test_an_nhs_number_is_found_with_or_without_spaces_and_dashes(text: str) -> None:
    assert Identifier.NHS_NUMBER in identifiers_in(text)


@pytest.mark.parametrize("text", ["943 476 5918", "call 1234567890", "14 days, 2 visits a day"])
def test_ten_digits_failing_modulus_11_are_not_an_nhs_number(text: str) -> None:
    assert Identifier.NHS_NUMBER not in identifiers_in(text)


@pytest.mark.parametrize(
    "text", ["lives at LE1 5WW", "le15ww", "B33 8TH", "EC1A 1BB", "W1A 0AX", "LE65 2AB"]
)
def test_a_uk_postcode_is_found(text: str) -> None:
    assert Identifier.POSTCODE in identifiers_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "born 12/03/1950",
        "12.03.50",
        "1950-03-12",
        "12 March 1950",
        "12th of March",
        "on March 12",
        "since Sept 2024",
        "DOB unknown",
        "date of birth",
        "born in 1950",
        "May 12",
    ],
)
def test_a_date_of_birth_or_any_date_is_found(text: str) -> None:
    assert Identifier.DATE in identifiers_in(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("07700 900123", Identifier.TELEPHONE),
        ("+44 7700 900123", Identifier.TELEPHONE),
        ("0116 225 1234", Identifier.TELEPHONE),
        ("jo.bloggs@example.org", Identifier.EMAIL),
        ("b4a1b387-7ba3-43f7-b625-0da75d7342d8", Identifier.ID),
    ],
)
def test_telephone_numbers_emails_and_ids_are_found(text: str, kind: Identifier) -> None:
    assert kind in identifiers_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Home carers may apply a prescribed steroid cream to the lower leg twice a day",
        "a district nurse reviews the skin every 10 days for 3 months",
        "the 2nd carer is trained first; stage 2 of 3",
        "1 in 3 people; in 2 weeks; Covid19 precautions",
        "carers may 2-person transfer",
    ],
)
def test_ordinary_clinical_text_holds_no_identifier(text: str) -> None:
    assert identifiers_in(text) == []


@given(
    st.text(alphabet=st.characters(codec="ascii"), max_size=30),
    st.sampled_from(VALID),
    st.sampled_from(["", " ", "-"]),
)
def test_a_valid_nhs_number_is_found_whatever_surrounds_it(
    words: str, number: str, separator: str
) -> None:
    spaced = separator.join([number[:3], number[3:6], number[6:]])
    assert Identifier.NHS_NUMBER in identifiers_in(f"{words} {spaced} {words}")
