"""GB 11643-1999 resident ID numbers: checked digit by digit."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_models.enums import Sex
from shared_models.validators.idnumber import IdNumberError, parse, with_check_character

KNOWN_REGIONS = ["110105", "500237", "500234", "500154", "370600", "370702", "360426", "440524"]
CHARACTERS = "0123456789X"


@pytest.mark.parametrize(
    ("number", "born", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), Sex.FEMALE),  # the standard's example
        ("360426199101010071", date(1991, 1, 1), Sex.MALE),
        ("11010519491231002x", date(1949, 12, 31), Sex.FEMALE),  # lower-case x accepted
        (" 110105 19491231 002X ", date(1949, 12, 31), Sex.FEMALE),  # spaces from ledgers
    ],
)
def test_public_examples(number, born, sex):
    identity = parse(number)
    assert (identity.birth_date, identity.sex, identity.value[-1]) == (
        born,
        sex,
        identity.value[-1].upper(),
    )
    assert identity.region_code == number.strip()[:6]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002Y", "format"),
        ("1101051949123100", "format"),
        ("110105194912310021", "checksum"),  # the example with a wrong check digit
        (
            "440524188001010014",
            "date",
        ),  # the standard's 1880 example: checksum right, too old today
        (with_check_character("11010519490231002"), "date"),  # 31 February
        (with_check_character("11010520991231002"), "date"),  # born in the future
        (with_check_character("99010519491231002"), "region"),
        (with_check_character("11019919491231002"), "region"),
    ],
)
def test_rejections_say_why(number, reason):
    with pytest.raises(IdNumberError) as caught:
        parse(number, today=date(2026, 11, 25))
    assert caught.value.reason == reason


@st.composite
def valid_numbers(draw):
    region = draw(st.sampled_from(KNOWN_REGIONS))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    return with_check_character(f"{region}{born:%Y%m%d}{sequence:03d}")


@settings(max_examples=300, deadline=None)
@given(valid_numbers())
def test_every_single_character_change_is_rejected(number):
    parse(number)  # the original is valid
    for position, original in enumerate(number):
        for replacement in CHARACTERS:
            if replacement == original:
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(IdNumberError):
                parse(changed)


@settings(max_examples=200, deadline=None)
@given(valid_numbers(), st.integers(min_value=0, max_value=16))
def test_swapping_neighbours_is_caught_when_it_changes_the_number(number, position):
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped == number:
        return
    with pytest.raises(IdNumberError):
        parse(swapped)
