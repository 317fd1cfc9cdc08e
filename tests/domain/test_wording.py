"""Rules, counts and tolerances said in words: the one formatter every surface uses."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.bank import make_question, parse_flag_rule, parse_number_scoring
from app.domain.models import Direction, SuccessMetric
from app.domain.oversight import tolerance, tolerance_words
from app.domain.wording import (
    RULE_TITLES,
    flag_rule_words,
    knockout_words,
    number_scoring_words,
    plural,
    rule_title,
    scoring_words,
)
from tests.plain_words import jargon


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 reviews"), (1, "1 review"), (2, "2 reviews"), (10_000, "10,000 reviews")],
)
def test_plural_counts(n: int, text: str) -> None:
    assert plural(n, "review") == text


def test_plural_takes_an_irregular_form() -> None:
    assert plural(1, "copy", "copies") == "1 copy" and plural(3, "copy", "copies") == "3 copies"


def test_every_rule_has_a_title_in_words() -> None:
    for rule, title in RULE_TITLES.items():
        assert rule_title(rule) == title and "_" not in title and title[0].isupper()
    assert rule_title("question:SO03") == "Answer to question SO03"
    assert rule_title("some_future_rule") == "Some future rule"


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        (">=5:5; >=3:4; >=1:2; else:0",
         "5 points for 5 or more, 4 points for 3 to under 5, 2 points for 1 to under 3, 0 points otherwise"),
        ("<=4:5; <=8:3; else:0", "5 points for 4 or less, 3 points for more than 4 up to 8, 0 points otherwise"),
        (">10:5; >5:3; else:1", "5 points for more than 10, 3 points for more than 5 up to 10, 1 point otherwise"),
        ("=0:5; else:0", "5 points for exactly 0, 0 points otherwise"),
        ("<1:0; <=1:2; <=8:5; <=12:3; else:1",
         "0 points for less than 1, 2 points for exactly 1, 5 points for more than 1 up to 8, "
         "3 points for more than 8 up to 12, 1 point otherwise"),
        (">5:5; >=5:4; >=2:1; else:0",
         "5 points for more than 5, 4 points for exactly 5, 1 point for 2 to under 5, 0 points otherwise"),
        ("else:2.5", "always 2.5 points"),
    ],
)
def test_number_rules_in_words(rules: str, words: str) -> None:
    text = number_scoring_words(parse_number_scoring(rules))
    assert text == words
    assert jargon(text) == []


def test_each_question_type_says_how_it_scores() -> None:
    def q(**kw: object) -> object:
        return make_question({"id": "Q1", "section": "S", "layer": "data", "question": "Q?", **kw})

    assert scoring_words(q(type="number", scoring=">=3:5; else:0")) == "5 points for 3 or more, 0 points otherwise."
    assert scoring_words(q(type="yes_no")) == "“Yes” earns 5 points, “no” 0."
    assert scoring_words(q(type="yes_no", scoring="invert")) == "“No” earns 5 points, “yes” 0."
    assert scoring_words(q(type="choice", options="In production=5|Pilot=1")) == (
        "“In production” earns 5 points; “Pilot” earns 1 point."
    )
    assert "0 to 5" in scoring_words(q(type="scale"))


def test_flag_and_knockout_rules_in_words() -> None:
    assert flag_rule_words(parse_flag_rule("<2:high:Weak rollback")) == (
        "a high red flag when the score is less than 2 of 5"
    )
    assert flag_rule_words(parse_flag_rule("contains=we handle everything|turnkey:medium:Unrealistic")) == (
        "a medium red flag when the answer mentions “we handle everything” or “turnkey”"
    )
    assert knockout_words(3) == "a score below 3 of 5, or no answer, knocks the vendor out"


def test_tolerance_is_explained_as_a_share_of_the_way_not_of_the_value() -> None:
    # The case: 90.8 against an expected 91.8 is off track, because the margin is 10 % of
    # the 5-point way from baseline 87 to target 92, i.e. 0.5 — not 10 % of 91.8.
    m = SuccessMetric("First-pass yield", "points", 87.0, 92.0, Direction.UP, date(2027, 12, 31))
    assert tolerance(m) == pytest.approx(0.5)
    assert tolerance_words(m, 91.8) == (
        "within 0.5 points of the expected 91.8 (10 % of the way from baseline to target)"
    )
    pct = SuccessMetric("Conversion", "%", 8.0, 12.0, Direction.UP, date(2027, 6, 30))
    assert tolerance_words(pct) == (
        "within 0.4 percentage points of the expected value (10 % of the way from baseline to target)"
    )
