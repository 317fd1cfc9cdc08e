"""The organization profile (one per workspace): read it, save it audited, and the known names."""

from __future__ import annotations

from dataclasses import asdict, replace

from app.domain.merge import merge
from app.domain.models import Organization
from app.domain.text import norm
from app.services import knowledge
from app.services.concurrency import conflict, retry_overtaken
from app.services.errors import InputError
from app.store import repo
from app.store.tables import OrganizationRow
from app.store.workspace import Workspace, current_user


def get(ws: Workspace) -> Organization:
    with ws.session() as s:
        return repo.get_organization(s)


def _clean(items: list[str]) -> list[str]:
    """Trimmed, without blanks or case-insensitive duplicates, in the order given."""
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        text = " ".join(item.split())
        if text and norm(text) not in seen:
            seen.add(norm(text))
            out.append(text)
    return out


_FIELD_WORDS = {"name": "name", "industry": "industry", "stage": "stage", "systems": "systems",
                "infrastructure": "infrastructure", "regulations": "regulations"}


@retry_overtaken(lambda *_a, **_kw: "The organization profile")
def save(ws: Workspace, org: Organization, actor: str | None = None, base: Organization | None = None) -> Organization:
    """Store the profile (one transaction, audited); returns what was stored.

    With `base` (the profile as the editor loaded it) only the fields edited since are written:
    changes saved meanwhile elsewhere stay, and a field changed on both sides is refused with
    an EditConflict showing both values (app/services/concurrency.py).
    """
    if len(org.name) > 200:
        raise InputError("the organization name is longer than 200 characters")
    clean = replace(
        org,
        name=org.name.strip(),
        industry=" ".join(org.industry.split()),
        systems=_clean(org.systems),
        infrastructure=_clean(org.infrastructure),
        regulations=_clean(org.regulations),
    )
    with ws.session() as s:
        row = s.get(OrganizationRow, 1)
        if row is not None:
            repo.claim(s, row)
        before = repo.get_organization(s)
        if base is not None:
            clean, conflicts = merge(base, clean, before)
            if conflicts:
                raise conflict("The organization profile", conflicts, _FIELD_WORDS, theirs=before, merged=clean)
        if before == clean:
            s.rollback()  # nothing to save: the version stays as it was
            return clean
        repo.save_organization(s, clean)
        repo.audit(
            s,
            actor or current_user(),
            "organization updated",
            "organization",
            1,
            before=asdict(before),
            after=asdict(clean),
        )
    return clean


def known(kind: str) -> list[str]:
    """Canonical names of `kind` (industry, stage, capability) from the editable synonyms file."""
    return sorted(set(knowledge.synonyms().table.get(kind, {}).values()))


def industries() -> list[str]:
    return known("industry")


def capabilities() -> list[str]:
    return known("capability")
