"""An answer save in one statement on a team workspace (PostgreSQL only; frozen DDL: never edit,
add a revision).

`diligence_save_answer` does on the server what `evaluations.record_answer` does through the
ORM on a folder workspace, in one call (app/store/server_answers.py, docs/team.md):

- checks that the evaluation is still the one the client validated the value against (same id,
  same bank version and, when it was named, same name); otherwise it writes nothing and answers
  `stale`, and the client looks again;
- finds the vendor and the evaluator by name (`no vendor` / `no evaluator` when missing);
- reads the current answer, then inserts, updates or deletes it by the answer rule (`p_note`
  null keeps the note; an empty value without a note removes the answer); an update or delete
  that matches nothing answers `gone`;
- appends the audit row when the value or note changed (the actor is then set to the login by
  the audit trigger of 0007) and NOTIFYs the other clients, in the same transaction.

It runs with the caller's rights (SECURITY INVOKER): row-level security and the grants apply to
every statement in it exactly as to the ORM's. It answers the old value and note (what undo
restores) only for a save it made.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from alembic import op

from app.store.migrations.portable import dialect

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SAVE_ANSWER = """
create or replace function diligence_save_answer(
    p_evaluation integer, p_evaluation_name varchar, p_bank_version integer,
    p_vendor varchar, p_evaluator varchar, p_qid varchar,
    p_value varchar, p_empty boolean, p_note varchar, p_source varchar, p_actor varchar, p_client varchar)
returns table (outcome text, had_answer boolean, old_value varchar, old_note varchar)
language plpgsql volatile security invoker as $$
declare
    ev_name varchar;
    ev_bank integer;
    v_id integer;
    e_id integer;
    a_id integer;
    o_value varchar;
    o_note varchar;
    n_note varchar;
    n_value varchar;
    a_note varchar;
    touched text[] := '{}';
begin
    select e.name, e.bank_version_id into ev_name, ev_bank from evaluation e where e.id = p_evaluation;
    if not found or ev_bank <> p_bank_version or (p_evaluation_name is not null and ev_name <> p_evaluation_name) then
        return query select 'stale'::text, false, null::varchar, null::varchar;
        return;
    end if;
    select v.id into v_id from vendor v where v.evaluation_id = p_evaluation and v.name = p_vendor;
    if not found then
        return query select 'no vendor'::text, false, null::varchar, null::varchar;
        return;
    end if;
    select r.id into e_id from evaluator r where r.evaluation_id = p_evaluation and r.name = p_evaluator;
    if not found then
        return query select 'no evaluator'::text, false, null::varchar, null::varchar;
        return;
    end if;
    select a.id, a.value, a.note into a_id, o_value, o_note
      from answer a where a.vendor_id = v_id and a.evaluator_id = e_id and a.qid = p_qid;
    n_note := coalesce(p_note, o_note, '');
    if p_empty and n_note = '' then
        n_value := null;
        a_note := '';
        if a_id is not null then
            delete from answer where id = a_id;
            if not found then
                return query select 'gone'::text, false, null::varchar, null::varchar;
                return;
            end if;
            touched := touched || 'answer'::text;
        end if;
    else
        n_value := p_value;
        a_note := n_note;
        if a_id is null then
            insert into answer (vendor_id, evaluator_id, qid, value, note, source, updated_at)
            values (v_id, e_id, p_qid, p_value, n_note, p_source, now() at time zone 'utc');
        else
            update answer set value = p_value, note = n_note, source = p_source, updated_at = now() at time zone 'utc'
             where id = a_id;
            if not found then
                return query select 'gone'::text, false, null::varchar, null::varchar;
                return;
            end if;
        end if;
        touched := touched || 'answer'::text;
    end if;
    if o_value is distinct from n_value or o_note is distinct from a_note then
        insert into audit_log (at, actor, action, entity, entity_id, before, after, reason)
        values (now() at time zone 'utc', p_actor, 'answer changed', 'answer',
                ev_name || '/' || p_vendor || '/' || p_evaluator || '/' || p_qid,
                json_build_object('value', o_value, 'note', o_note),
                json_build_object('value', nullif(p_value, ''), 'note', a_note), '');
        touched := touched || 'audit_log'::text;
    end if;
    if cardinality(touched) > 0 then
        perform pg_notify('diligence_changes', json_build_object(
            'client', p_client, 'tables', touched,
            'evaluations', case when 'answer' = any(touched) then json_build_array(p_evaluation) else '[]'::json end
        )::text);
    end if;
    return query select 'ok'::text, a_id is not null, o_value, o_note;
end $$
"""


def upgrade() -> None:
    if dialect() != "postgresql":
        return
    op.execute(SAVE_ANSWER)
    # Only the roles that may write answers call it; it runs with their rights (row-level security).
    op.execute("revoke all on function diligence_save_answer(integer, varchar, integer, varchar, varchar, varchar, "
               "varchar, boolean, varchar, varchar, varchar, varchar) from public")
    op.execute("grant execute on function diligence_save_answer(integer, varchar, integer, varchar, varchar, varchar, "
               "varchar, boolean, varchar, varchar, varchar, varchar) to diligence_lead, diligence_evaluator")


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
