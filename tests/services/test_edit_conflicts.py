"""Two people editing the same thing: the second save is refused with both values, never written over.

Each test plays two editors ("Ana" and "Ben") who load the same thing, then save one after the
other through the services, as two windows or two team members do. The checks run on a folder
workspace here and on a PostgreSQL team workspace in tests/team/test_team_concurrency.py.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.domain.bank import Bank
from app.domain.merge import Conflict, merge_keyed
from app.services import banks, engagements, evaluations, organization, usecases
from app.services.errors import EditConflict, InputError
from app.store import repo
from app.store.tables import VendorRow
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION

VENDOR = "Signal & Scale Partners"


def vendor_version(ws: Any, name: str = VENDOR) -> int:
    from sqlalchemy import text

    with ws.engine.connect() as con:
        return int(con.execute(text("select version from vendor where name = :name"), {"name": name}).scalar_one())


# ----- the vendor profile ----------------------------------------------------------------------


def test_edits_of_different_fields_both_land_and_each_save_counts(demo: Any) -> None:
    loaded = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR)
    v0 = vendor_version(demo)
    ana = dataclasses.replace(loaded, claims="Ana's claims")
    ben = dataclasses.replace(loaded, demo_rating=1.0)
    evaluations.save_vendor(demo, DEMO_EVALUATION, ana, old_name=VENDOR, base=loaded)
    evaluations.save_vendor(demo, DEMO_EVALUATION, ben, old_name=VENDOR, base=loaded)
    now = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR)
    assert now.claims == "Ana's claims" and now.demo_rating == 1.0  # Ben's save kept Ana's field
    assert vendor_version(demo) == v0 + 2


def test_the_same_field_saved_twice_is_refused_with_mine_and_theirs(demo: Any) -> None:
    loaded = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR)
    evaluations.save_vendor(demo, DEMO_EVALUATION, dataclasses.replace(loaded, demo_rating=2.0,
                                                                       claims="Ana's claims"),
                            old_name=VENDOR, base=loaded)
    v1 = vendor_version(demo)
    ben = dataclasses.replace(loaded, demo_rating=5.0, timeline=dataclasses.replace(loaded.timeline, description="Ben"))
    with pytest.raises(EditConflict) as caught:
        evaluations.save_vendor(demo, DEMO_EVALUATION, ben, old_name=VENDOR, base=loaded)
    clash = caught.value
    assert clash.fields == [("demo rating", "'2'", "'5'")]
    assert "Signal & Scale Partners was changed elsewhere" in str(clash)
    assert isinstance(clash, InputError)  # the command line's exit 2 with this message
    # Nothing of Ben's was written, not even the field only he changed; the count did not move.
    now = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR)
    assert now.demo_rating == 2.0 and now.timeline.description == loaded.timeline.description
    assert vendor_version(demo) == v1
    # What Ben may choose to write: his rating, his timeline text, and Ana's claims kept.
    assert clash.theirs == now
    assert clash.merged.demo_rating == 5.0 and clash.merged.claims == "Ana's claims"
    assert clash.merged.timeline.description == "Ben"


def test_a_save_overtaken_between_its_read_and_its_write_is_run_again_on_a_fresh_read(
        demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version column closes the gap a value comparison leaves: Ana saves in the middle of Ben's save."""
    loaded = evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR)
    real_claim = repo.claim
    calls: list[int] = []

    def ana_saves_first(s: Any, row: Any) -> None:
        if not calls and isinstance(row, VendorRow):
            with demo.session() as other:  # another connection commits in between
                other.get(VendorRow, row.id).claims = "Ana, in the middle"
                real_claim(other, other.get(VendorRow, row.id))
        calls.append(row.id)
        real_claim(s, row)

    monkeypatch.setattr(repo, "claim", ana_saves_first)
    ben = dataclasses.replace(loaded, claims="Ben's claims")
    with pytest.raises(EditConflict) as caught:
        evaluations.save_vendor(demo, DEMO_EVALUATION, ben, old_name=VENDOR, base=loaded)
    assert len(calls) == 2  # refused by the version check, then run again and refused by the merge
    assert caught.value.fields == [("claims", "'Ana, in the middle'", "\"Ben's claims\"")]
    assert evaluations.load_snapshot(demo, DEMO_EVALUATION).vendor(VENDOR).claims == "Ana, in the middle"


def test_claim_refuses_a_row_read_before_another_save(demo: Any) -> None:
    with demo.session() as ben:
        row = ben.exec(repo.select(VendorRow).where(VendorRow.name == VENDOR)).one()
        with demo.session() as ana:
            repo.claim(ana, ana.get(VendorRow, row.id))
        with pytest.raises(repo.Overtaken):
            repo.claim(ben, row)


# ----- organization profile, use case, bank draft, oversight metric, engagement fields --------


def test_organization_profile(demo: Any) -> None:
    loaded = organization.get(demo)
    organization.save(demo, dataclasses.replace(loaded, industry="Retail", systems=["SAP"]), base=loaded)
    organization.save(demo, dataclasses.replace(loaded, name="Ben's name"), base=loaded)
    assert organization.get(demo).industry == "Retail" and organization.get(demo).name == "Ben's name"
    with pytest.raises(EditConflict) as caught:
        organization.save(demo, dataclasses.replace(loaded, systems=["Oracle"]), base=loaded)
    assert caught.value.fields == [("systems", "'SAP'", "'Oracle'")]
    assert organization.get(demo).systems == ["SAP"]


def test_use_case(demo: Any) -> None:
    uid = usecases.list_use_cases(demo)[0].id
    loaded = usecases.get(demo, uid)
    usecases.update(demo, uid, dataclasses.replace(loaded, decision="Ana's decision"), base=loaded)
    with pytest.raises(EditConflict) as caught:
        usecases.update(demo, uid, dataclasses.replace(loaded, decision="Ben's decision", actors="Ben"), base=loaded)
    assert caught.value.fields == [("decision", "\"Ana's decision\"", "\"Ben's decision\"")]
    assert usecases.get(demo, uid).decision == "Ana's decision" and usecases.get(demo, uid).actors == loaded.actors


def _bank(demo: Any) -> Bank:
    return banks.get_bank(demo, banks.list_banks(demo)[0].name)


def _reweighted(bank: Bank, qid: str, weight: float) -> Bank:
    rows: list[dict[str, object]] = [dict(q.as_row(), weight=str(weight)) if q.id == qid else dict(q.as_row())
                                     for q in bank.questions]
    return Bank.from_rows(bank.name, rows)


def test_bank_drafts_merge_question_by_question_and_clash_on_the_same_field(demo: Any) -> None:
    loaded = _bank(demo)
    first, second = loaded.questions[0].id, loaded.questions[1].id
    _vid, ana_version, _ = banks.save(demo, _reweighted(loaded, first, 7), note="Ana", base=loaded)
    # Ben's draft started from the same version: his change to another question merges onto Ana's.
    _vid, ben_version, _ = banks.save(demo, _reweighted(loaded, second, 9), note="Ben", base=loaded)
    newest = _bank(demo)
    assert ben_version == ana_version + 1 == newest.version
    assert newest.questions[0].weight == 7 and newest.questions[1].weight == 9
    # Cleo's draft, from the first version too, reweights Ana's question: refused, both shown.
    with pytest.raises(EditConflict) as caught:
        banks.save(demo, _reweighted(loaded, first, 3), note="Cleo", base=loaded)
    assert caught.value.fields == [(f"question {first}, weight", "'7'", "'3'")]
    assert _bank(demo).version == ben_version  # no version was added


def test_merge_keyed_items_added_or_removed_on_one_side() -> None:
    base = (("a", 1), ("b", 1))
    mine = (("a", 1), ("b", 2), ("c", 1))  # edited b, added c
    theirs = (("x", 1), ("a", 1))  # removed b, added x first
    merged, conflicts = merge_keyed(base, mine, theirs, key=lambda i: i[0], path="items")
    assert conflicts == [Conflict("items[b]", None, ("b", 2))]  # removed there, edited here
    assert merged == (("x", 1), ("a", 1), ("b", 2), ("c", 1))
    merged, conflicts = merge_keyed(base, (("a", 1),), theirs, key=lambda i: i[0])
    assert (merged, conflicts) == ((("x", 1), ("a", 1)), [])


def test_oversight_metric(demo: Any) -> None:
    snap = engagements.load(demo, DEMO_ENGAGEMENT)
    metric = snap.metrics[0]
    seen = {"target": metric.target, "owner": metric.owner}
    engagements.change_metric(demo, DEMO_ENGAGEMENT, metric.name, {"target": metric.target + 1}, "Ana's reason",
                              base=seen)
    engagements.change_metric(demo, DEMO_ENGAGEMENT, metric.name, {"owner": "Ben"}, "Ben's reason", base=seen)
    with pytest.raises(EditConflict) as caught:
        engagements.change_metric(demo, DEMO_ENGAGEMENT, metric.name, {"target": metric.target + 5}, "Cleo",
                                  base=seen)
    assert caught.value.fields == [("target", repr(f"{metric.target + 1:,.10g}"), repr(f"{metric.target + 5:,.10g}"))]
    now = engagements.load(demo, DEMO_ENGAGEMENT).metrics[0]
    assert (now.target, now.owner) == (metric.target + 1, "Ben")


def test_engagement_fields(demo: Any) -> None:
    threshold = engagements.load(demo, DEMO_ENGAGEMENT).promises.cost_threshold
    engagements.set_cost_threshold(demo, DEMO_ENGAGEMENT, 0.4, base=threshold)
    with pytest.raises(EditConflict) as caught:
        engagements.set_cost_threshold(demo, DEMO_ENGAGEMENT, 0.1, base=threshold)
    assert caught.value.fields == [("cost threshold", "'0.4'", "'0.1'")]
    assert engagements.load(demo, DEMO_ENGAGEMENT).promises.cost_threshold == 0.4
