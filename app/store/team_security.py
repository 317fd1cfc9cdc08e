"""People, roles and blind scoring on a team workspace, enforced by PostgreSQL itself.

Each person connects as their own login. Three group roles hold the table privileges
(GRANTs), and row-level security policies hide what blind scoring hides; the app only
reflects what the server allows (docs/team.md):

- diligence_lead: manages banks, evaluations, vendors, engagements, evidence; grants roles.
- diligence_evaluator: reads like a viewer; writes only their own answers, citations and the
  "submitted" mark of their own evaluator row.
- diligence_viewer: reads results, reports and oversight; writes nothing.

Blind scoring: an answer (value and note), an evidence citation, and the audit row of an
answer change are readable by another login only once their evaluator has submitted. Policies
apply to every login but the database owner and superusers (PostgreSQL lets those read
everything; a backup holds everything). The audit trail's actor is the login
(session_user), set by a trigger: a name typed by a client cannot stand in for it.

`install(con)` is idempotent: migrations call it, and so can a later migration that adds a
table (every table gets the role grants; tests/team/test_blind_rls.py reads the catalog so a
new table that shows unsubmitted answers fails there).
"""

from __future__ import annotations

from typing import Any

LEAD, EVALUATOR, VIEWER = "diligence_lead", "diligence_evaluator", "diligence_viewer"
GROUPS = {"lead": LEAD, "evaluator": EVALUATOR, "viewer": VIEWER}
SELF_ASSESSMENT = "Vendor (self-assessment)"  # app.domain.models.SELF_ASSESSMENT: always readable

# Who "I" am on the server: the person the login is mapped to (team_member).
_ME = "(select m.person from team_member m where m.login = session_user)"
_IS_LEAD = f"pg_has_role(session_user, '{LEAD}', 'MEMBER')"


def _author_visible(evaluator_id: str) -> str:
    """SQL: the evaluator row `evaluator_id` is mine, has submitted, or is the vendor's self-assessment."""
    return (f"exists (select 1 from evaluator e where e.id = {evaluator_id} and (e.submitted_at is not null "
            f"or e.name = {_ME} or e.name = '{SELF_ASSESSMENT}'))")


def _own(evaluator_id: str, lead_may_self_assess: bool = True) -> str:
    extra = f" or (e.name = '{SELF_ASSESSMENT}' and {_IS_LEAD})" if lead_may_self_assess else ""
    return f"exists (select 1 from evaluator e where e.id = {evaluator_id} and (e.name = {_ME}{extra}))"


def _citation_visible() -> str:
    return ("evaluator = '' or evaluator = " + _ME + " or evaluator = '" + SELF_ASSESSMENT + "' or exists ("
            "select 1 from evidence_document d join vendor v on v.id = d.vendor_id join evaluator e "
            "on e.evaluation_id = v.evaluation_id and e.name = evidence_citation.evaluator "
            "where d.id = evidence_citation.document_id and e.submitted_at is not null)")


# A citation is written by its evaluator; a lead writes only citations of no evaluator.
_OWN_CITATION = f"evaluator = {_ME} or (evaluator = '' and {_IS_LEAD})"

# An answer's audit row names "evaluation/vendor/evaluator/question"; readable by its author,
# or once that evaluator of that evaluation (matched with that vendor) has submitted.
_ANSWER_AUDIT_VISIBLE = (
    "entity <> 'answer' or actor = session_user or exists ("
    "select 1 from evaluation ev join vendor v on v.evaluation_id = ev.id join evaluator e on e.evaluation_id = ev.id "
    "where e.submitted_at is not null "
    "and starts_with(audit_log.entity_id, ev.name || '/' || v.name || '/' || e.name || '/') "
    # and no unsubmitted evaluator's name fits the same place (names holding '/' stay hidden)
    "and not exists (select 1 from evaluator u where u.evaluation_id = ev.id and u.submitted_at is null "
    "and starts_with(audit_log.entity_id, ev.name || '/' || v.name || '/' || u.name || '/')))"
)


def _statements(owner: str) -> list[str]:
    groups = ", ".join(GROUPS.values())
    sql = [
        # Group roles are the cluster's; a database on the same cluster reuses them.
        *(f"do $$ begin if not exists (select 1 from pg_roles where rolname = '{g}') then "
          f"create role {g} nologin; end if; end $$" for g in GROUPS.values()),
        # Nobody but the owner connects unless granted; the schema is usable by the roles.
        "do $$ begin execute format('revoke all on database %I from public', current_database()); end $$",
        f"do $$ begin execute format('grant connect, temporary on database %I to {groups}', current_database()); end $$",
        "revoke create on schema public from public",
        f"grant usage on schema public to {groups}",
        # Table privileges by role. Everyone reads (row-level security narrows it below).
        f"grant select on all tables in schema public to {groups}",
        f"grant select, insert, update, delete on all tables in schema public to {LEAD}",
        f"grant usage, select on all sequences in schema public to {LEAD}",
        f"revoke insert, update, delete on team_member, alembic_version from {LEAD}",
        f"revoke update, delete on audit_log from {LEAD}",
        # A backup holds every answer, submitted or not: its bytes are the owner's alone.
        f"revoke all on backup_file from {groups}",
        f"grant select (id, name, created_at, size) on backup_file to {groups}",
        f"grant insert, update, delete on answer, evidence_citation to {EVALUATOR}",
        f"grant update (submitted_at) on evaluator to {EVALUATOR}",
        f"grant insert on audit_log to {EVALUATOR}, {LEAD}",
        f"grant usage, select on sequence answer_id_seq, audit_log_id_seq, evidence_citation_id_seq to {EVALUATOR}",
        # Row-level security: answers, citations, the audit rows of answers, evaluator rows.
        "alter table answer enable row level security",
        "alter table evidence_citation enable row level security",
        "alter table audit_log enable row level security",
        "alter table evaluator enable row level security",
        "drop policy if exists blind_read on answer",
        f"create policy blind_read on answer for select using ({_author_visible('answer.evaluator_id')})",
        "drop policy if exists own_insert on answer",
        f"create policy own_insert on answer for insert with check ({_own('answer.evaluator_id')})",
        "drop policy if exists own_update on answer",
        f"create policy own_update on answer for update using ({_own('answer.evaluator_id')}) "
        f"with check ({_own('answer.evaluator_id')})",
        "drop policy if exists own_delete on answer",
        f"create policy own_delete on answer for delete using ({_own('answer.evaluator_id')})",
        "drop policy if exists blind_read on evidence_citation",
        f"create policy blind_read on evidence_citation for select using ({_citation_visible()})",
        # (A policy `for all` would also widen reading: writing policies are per command.)
        *(f"drop policy if exists own_{c} on evidence_citation" for c in ("write", "insert", "update", "delete")),
        f"create policy own_insert on evidence_citation for insert with check ({_OWN_CITATION})",
        f"create policy own_update on evidence_citation for update using ({_OWN_CITATION}) with check ({_OWN_CITATION})",
        f"create policy own_delete on evidence_citation for delete using ({_OWN_CITATION})",
        "drop policy if exists blind_read on audit_log",
        f"create policy blind_read on audit_log for select using ({_ANSWER_AUDIT_VISIBLE})",
        "drop policy if exists anyone_appends on audit_log",
        "create policy anyone_appends on audit_log for insert with check (true)",
        "drop policy if exists everyone_reads on evaluator",
        "create policy everyone_reads on evaluator for select using (true)",
        *(f"drop policy if exists lead_{c} on evaluator" for c in ("writes", "insert", "update", "delete")),
        f"create policy lead_insert on evaluator for insert to {LEAD} with check (true)",
        f"create policy lead_update on evaluator for update to {LEAD} using (true) with check (true)",
        f"create policy lead_delete on evaluator for delete to {LEAD} using (true)",
        "drop policy if exists own_submit on evaluator",
        f"create policy own_submit on evaluator for update to {EVALUATOR} using (name = {_ME}) with check (name = {_ME})",
        # Who did it is the login, whatever name a client sends.
        # Only `workspace copy`, run by the owner or a superuser, keeps the actors it carries over.
        "create or replace function diligence_audit_actor() returns trigger language plpgsql as $$ "
        "begin "
        "if current_setting('diligence.copying', true) = 'on' and (session_user = pg_get_userbyid("
        "(select datdba from pg_database where datname = current_database())) or "
        "(select rolsuper from pg_roles where rolname = session_user)) then return new; end if; "
        "new.actor := session_user; return new; end $$",
        "drop trigger if exists audit_actor_is_the_login on audit_log",
        "create trigger audit_actor_is_the_login before insert or update on audit_log "
        "for each row execute function diligence_audit_actor()",
        # `team grant`: leads only, through this function (run with the owner's rights). A person
        # is bound to one login: changing whose login a person is takes the owner.
        f"""create or replace function diligence_grant(who varchar, who_person varchar, new_role varchar)
        returns void language plpgsql security definer set search_path = public, pg_temp as $$
        declare bound varchar;
        begin
          if not (session_user = '{owner}' or pg_has_role(session_user, '{LEAD}', 'MEMBER')) then
            raise exception 'only a lead can grant roles' using errcode = '42501';
          end if;
          if new_role not in ('lead', 'evaluator', 'viewer') then
            raise exception 'unknown role %', new_role using errcode = '22023';
          end if;
          if not exists (select 1 from pg_roles where rolname = who and rolcanlogin) then
            raise exception 'there is no login %', who using errcode = '42704';
          end if;
          select login into bound from team_member where person = who_person;
          if bound is not null and bound <> who then
            raise exception 'the person % is already the login %', who_person, bound using errcode = '23505';
          end if;
          execute format('revoke {LEAD}, {EVALUATOR}, {VIEWER} from %I', who);
          execute format('grant %I to %I', 'diligence_' || new_role, who);
          execute format('grant connect, temporary on database %I to %I', current_database(), who);
          insert into team_member (login, person, role, granted_by) values (who, who_person, new_role, session_user)
          on conflict (login) do update set person = excluded.person, role = excluded.role,
            granted_by = excluded.granted_by, granted_at = now() at time zone 'utc';
          insert into audit_log (at, actor, action, entity, entity_id, after, reason)
          values (now() at time zone 'utc', session_user, 'role granted', 'team_member', who,
                  json_build_object('person', who_person, 'role', new_role), '');
        end $$""",
        "revoke all on function diligence_grant(varchar, varchar, varchar) from public",
        f"grant execute on function diligence_grant(varchar, varchar, varchar) to {LEAD}",
    ]
    return sql


def install(con: Any) -> None:
    """Create (or bring up to date) roles, grants, policies and the audit trigger. The connecting
    login (the database owner, the workspace's creator) is the first lead: it needs no row in
    team_member (app.services.team.me), so a new workspace holds no rows and can take a copy."""
    from sqlalchemy import text

    owner = str(con.execute(text("select session_user")).scalar_one())
    for statement in _statements(owner.replace("'", "''")):
        con.execute(text(statement.replace(":", r"\:")))
