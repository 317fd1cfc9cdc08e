"""Question types, their grammars and validation, versions and hashes."""

from __future__ import annotations

import pytest

from app.domain.bank import Bank, diff_banks, make_question, parse_number_scoring
from app.domain.errors import AnswerError, BankError
from tests.domain.helpers import bank, q


def score(row: dict[str, object], value: object) -> float | None:
    return make_question(row).read(value).score


class TestAnswerTypes:
    def test_yes_no_scores_one_and_zero(self) -> None:
        assert score(q("A", type_="yes_no"), "yes") == 1.0
        assert score(q("A", type_="yes_no"), "No") == 0.0

    def test_yes_no_invert_flips(self) -> None:
        assert score(q("A", type_="yes_no", scoring="invert"), "yes") == 0.0
        assert score(q("A", type_="yes_no", scoring="invert"), "no") == 1.0

    def test_scale_is_value_over_five(self) -> None:
        assert score(q("A"), "4") == pytest.approx(0.8)
        assert score(q("A"), 0) == 0.0
        assert score(q("A"), 5) == 1.0

    @pytest.mark.parametrize("bad", ["6", "-1", "2.5", "three"])
    def test_scale_refuses_out_of_range(self, bad: str) -> None:
        with pytest.raises(AnswerError, match="whole number from 0 to 5"):
            make_question(q("A")).read(bad)

    def test_number_rules_first_match_wins(self) -> None:
        row = q("N", type_="number", scoring=">=10:5; >=5:4; >=1:2; else:0")
        assert score(row, 12) == 1.0
        assert score(row, 10) == 1.0
        assert score(row, 7) == pytest.approx(0.8)
        assert score(row, 1) == pytest.approx(0.4)
        assert score(row, 0) == 0.0

    def test_number_rules_lower_is_better(self) -> None:
        row = q("N", type_="number", scoring="<=4:5; <=8:3; else:0")
        assert score(row, 3) == 1.0
        assert score(row, 8) == pytest.approx(0.6)
        assert score(row, 9) == 0.0

    def test_number_refuses_text(self) -> None:
        with pytest.raises(AnswerError, match="not a number"):
            make_question(q("N", type_="number", scoring="else:1")).read("soon")

    def test_choice_points_over_five(self) -> None:
        row = q("C", type_="choice", options="In production=5|Pilot=2|None=0")
        assert score(row, "Pilot") == pytest.approx(0.4)
        assert score(row, "in production") == 1.0
        with pytest.raises(AnswerError, match="not one of the options"):
            make_question(row).read("Maybe")

    def test_text_is_never_scored(self) -> None:
        reading = make_question(q("T", type_="text", weight=0)).read("anything")
        assert reading.kind == "text" and reading.score is None

    def test_na_only_where_allowed(self) -> None:
        assert make_question(q("A", allow_na="yes")).read("n/a").kind == "na"
        with pytest.raises(AnswerError, match="n/a is not allowed"):
            make_question(q("A")).read("N/A")

    def test_empty_answer_is_unanswered(self) -> None:
        assert make_question(q("A")).read("  ").kind == "empty"
        assert make_question(q("A")).read(None).kind == "empty"


class TestValidation:
    @pytest.mark.parametrize(
        ("row", "field", "fragment"),
        [
            (q("A", type_="essay"), "type", "not one of"),
            (q("A", weight=-1), "weight", "negative"),
            (q("A", type_="text", weight=2), "weight", "must be 0"),
            (q("A", layer="model"), "layer", "not one of"),
            (q("A", type_="number", scoring=">=x:5"), "scoring", "not a number"),
            (q("A", type_="number", scoring=">=1:9"), "scoring", "0 to 5"),
            (q("A", type_="number", scoring=""), "scoring", "needs scoring rules"),
            (q("A", type_="number", scoring="else:1; >=3:5"), "scoring", "after 'else'"),
            (q("A", type_="choice", options="Yes|No"), "options", "Label=points"),
            (q("A", knockout_min=7), "knockout_min", "outside"),
            (q("A", flag_rule="<2:urgent:x"), "flag_rule", "critical, high or medium"),
            (q("A", flag_rule="contains=foo:high:x"), "flag_rule", "text questions only"),
            (q("A", options="7=too high"), "options", "level 0 to 5"),
            (q("A", section=""), "section", "needs a section"),
        ],
    )
    def test_malformed_rows_name_question_and_field(self, row: dict[str, object], field: str, fragment: str) -> None:
        with pytest.raises(BankError) as info:
            make_question(row)
        assert info.value.question_id == "A"
        assert info.value.field == field
        assert fragment in str(info.value)

    def test_duplicate_ids_refused(self) -> None:
        with pytest.raises(BankError, match="more than one question"):
            bank(q("A"), q("a"))

    def test_number_scoring_without_else_gives_zero(self) -> None:
        rules = parse_number_scoring(">=3:5")
        assert rules.points(1) == 0.0


class TestVersions:
    def test_hash_is_sha256_of_content_and_changes_with_weight(self) -> None:
        a = bank(q("A"), q("B"))
        b = bank(q("A"), q("B", weight=2))
        assert len(a.hash) == 64 and all(c in "0123456789abcdef" for c in a.hash)
        assert a.hash != b.hash
        assert a.hash == bank(q("A"), q("B")).hash

    def test_hash_ignores_formatting_of_equal_numbers(self) -> None:
        assert bank(q("A", weight=2)).hash == bank(q("A", weight="2.0")).hash

    def test_diff_lists_added_removed_and_changed_fields(self) -> None:
        old = bank(q("A"), q("B"))
        new = bank(q("A", weight=3), q("C"))
        d = diff_banks(old, new)
        assert d.added == ("C",)
        assert d.removed == ("B",)
        assert d.changed == (("A", ("weight",)),)

    def test_section_weights_sum_scored_questions(self) -> None:
        b = bank(q("A", section="X", weight=2), q("B", section="Y", weight=3), q("T", section="Y", type_="text", weight=0))
        assert b.section_weights() == {"X": 2.0, "Y": 3.0}

    def test_row_round_trip_is_identity(self) -> None:
        original = bank(
            q("A", type_="number", scoring=">=10:5; else:0", knockout_min=2, flag_rule="<2:high:Weak", allow_na="yes"),
            q("B", type_="choice", options="One=5|Two=1"),
        )
        again = Bank(original.name, tuple(make_question(dict(r)) for r in original.rows()))
        assert again.rows() == original.rows()
        assert again.hash == original.hash
