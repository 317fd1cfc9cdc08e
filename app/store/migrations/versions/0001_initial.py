"""The first schema of a Diligence workspace (frozen DDL: never edit, add a revision).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from app.store.migrations.portable import run

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run('CREATE TABLE audit_log (\n\tid INTEGER NOT NULL, \n\tat DATETIME NOT NULL, \n\tactor VARCHAR NOT NULL, \n\taction VARCHAR NOT NULL, \n\tentity VARCHAR NOT NULL, \n\tentity_id VARCHAR NOT NULL, \n\t"before" JSON, \n\t"after" JSON, \n\treason VARCHAR NOT NULL, \n\tPRIMARY KEY (id)\n)')
    run('CREATE INDEX ix_audit_entity ON audit_log (entity, entity_id)')
    run('CREATE INDEX ix_audit_log_at ON audit_log (at)')
    run('CREATE TABLE bank (\n\tid INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (name)\n)')
    run('CREATE TABLE organization (\n\tid INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tindustry VARCHAR NOT NULL, \n\tstage VARCHAR NOT NULL, \n\tsystems JSON NOT NULL, \n\tinfrastructure JSON NOT NULL, \n\tregulations JSON NOT NULL, \n\tPRIMARY KEY (id)\n)')
    run('CREATE TABLE use_case (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR NOT NULL, \n\tdecision VARCHAR NOT NULL, \n\tactors VARCHAR NOT NULL, \n\timpact_kind VARCHAR NOT NULL, \n\timpact_amount FLOAT NOT NULL, \n\timpact_unit VARCHAR NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id)\n)')
    run('CREATE TABLE bank_version (\n\tid INTEGER NOT NULL, \n\tbank_id INTEGER NOT NULL, \n\tversion INTEGER NOT NULL, \n\thash VARCHAR NOT NULL, \n\tnote VARCHAR NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (bank_id, version), \n\tFOREIGN KEY(bank_id) REFERENCES bank (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_bank_version_bank_id ON bank_version (bank_id)')
    run('CREATE TABLE data_source (\n\tid INTEGER NOT NULL, \n\tuse_case_id INTEGER NOT NULL, \n\tsystem VARCHAR NOT NULL, \n\taccess VARCHAR NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(use_case_id) REFERENCES use_case (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_data_source_use_case_id ON data_source (use_case_id)')
    run('CREATE TABLE success_metric (\n\tid INTEGER NOT NULL, \n\tuse_case_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tunit VARCHAR NOT NULL, \n\tbaseline FLOAT, \n\ttarget FLOAT, \n\tdirection VARCHAR NOT NULL, \n\ttarget_date DATE, \n\tmethod VARCHAR NOT NULL, \n\towner VARCHAR NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(use_case_id) REFERENCES use_case (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_success_metric_use_case_id ON success_metric (use_case_id)')
    run('CREATE TABLE evaluation (\n\tid INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tuse_case_id INTEGER, \n\tbank_version_id INTEGER NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (name), \n\tFOREIGN KEY(use_case_id) REFERENCES use_case (id) ON DELETE SET NULL, \n\tFOREIGN KEY(bank_version_id) REFERENCES bank_version (id)\n)')
    run('CREATE TABLE question (\n\tid INTEGER NOT NULL, \n\tbank_version_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tqid VARCHAR NOT NULL, \n\tsection VARCHAR NOT NULL, \n\tlayer VARCHAR NOT NULL, \n\tquestion VARCHAR NOT NULL, \n\ttype VARCHAR NOT NULL, \n\tweight FLOAT NOT NULL, \n\tguidance VARCHAR NOT NULL, \n\toptions VARCHAR NOT NULL, \n\tscoring VARCHAR NOT NULL, \n\tknockout_min FLOAT, \n\tflag_rule VARCHAR NOT NULL, \n\tallow_na BOOLEAN NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (bank_version_id, qid), \n\tFOREIGN KEY(bank_version_id) REFERENCES bank_version (id) ON DELETE CASCADE\n)')
    run('CREATE TABLE engagement (\n\tid INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tevaluation_id INTEGER, \n\tvendor VARCHAR NOT NULL, \n\tuse_case_title VARCHAR NOT NULL, \n\tkickoff DATE NOT NULL, \n\tpromised_months FLOAT, \n\tproduction_date DATE, \n\tlocked_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (name), \n\tFOREIGN KEY(evaluation_id) REFERENCES evaluation (id) ON DELETE SET NULL\n)')
    run('CREATE TABLE evaluator (\n\tid INTEGER NOT NULL, \n\tevaluation_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tsubmitted_at DATETIME, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (evaluation_id, name), \n\tFOREIGN KEY(evaluation_id) REFERENCES evaluation (id) ON DELETE CASCADE\n)')
    run('CREATE TABLE vendor (\n\tid INTEGER NOT NULL, \n\tevaluation_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tindustries JSON NOT NULL, \n\tclaims VARCHAR NOT NULL, \n\tproduction_deployments INTEGER, \n\tkickoff_to_production_months FLOAT, \n\ttimeline_description VARCHAR NOT NULL, \n\tpricing_model VARCHAR NOT NULL, \n\tpricing_amount FLOAT NOT NULL, \n\tpricing_currency VARCHAR NOT NULL, \n\tpricing_assumes JSON NOT NULL, \n\tassumed_infrastructure JSON NOT NULL, \n\tdemo_rating FLOAT, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (evaluation_id, name), \n\tFOREIGN KEY(evaluation_id) REFERENCES evaluation (id) ON DELETE CASCADE\n)')
    run('CREATE TABLE answer (\n\tid INTEGER NOT NULL, \n\tvendor_id INTEGER NOT NULL, \n\tevaluator_id INTEGER NOT NULL, \n\tqid VARCHAR NOT NULL, \n\tvalue VARCHAR NOT NULL, \n\tnote VARCHAR NOT NULL, \n\tsource VARCHAR NOT NULL, \n\tupdated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (vendor_id, evaluator_id, qid), \n\tFOREIGN KEY(vendor_id) REFERENCES vendor (id) ON DELETE CASCADE, \n\tFOREIGN KEY(evaluator_id) REFERENCES evaluator (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_answer_evaluator_id ON answer (evaluator_id)')
    run('CREATE TABLE engagement_metric (\n\tid INTEGER NOT NULL, \n\tengagement_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tunit VARCHAR NOT NULL, \n\tbaseline FLOAT NOT NULL, \n\ttarget FLOAT NOT NULL, \n\tdirection VARCHAR NOT NULL, \n\ttarget_date DATE, \n\tmethod VARCHAR NOT NULL, \n\towner VARCHAR NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(engagement_id) REFERENCES engagement (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_engagement_metric_engagement_id ON engagement_metric (engagement_id)')
    run('CREATE TABLE engagement_milestone (\n\tid INTEGER NOT NULL, \n\tengagement_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tmonth INTEGER, \n\treached_on DATE, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(engagement_id) REFERENCES engagement (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_engagement_milestone_engagement_id ON engagement_milestone (engagement_id)')
    run('CREATE TABLE flag_ack (\n\tid INTEGER NOT NULL, \n\tevaluation_id INTEGER, \n\tengagement_id INTEGER, \n\tvendor VARCHAR NOT NULL, \n\trule VARCHAR NOT NULL, \n\trationale VARCHAR NOT NULL, \n\t"by" VARCHAR NOT NULL, \n\tat DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(evaluation_id) REFERENCES evaluation (id) ON DELETE CASCADE, \n\tFOREIGN KEY(engagement_id) REFERENCES engagement (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_flag_ack_engagement_id ON flag_ack (engagement_id)')
    run('CREATE INDEX ix_flag_ack_evaluation_id ON flag_ack (evaluation_id)')
    run('CREATE TABLE milestone (\n\tid INTEGER NOT NULL, \n\tvendor_id INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\tmonth INTEGER, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(vendor_id) REFERENCES vendor (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_milestone_vendor_id ON milestone (vendor_id)')
    run('CREATE TABLE monthly_review (\n\tid INTEGER NOT NULL, \n\tengagement_id INTEGER NOT NULL, \n\tmonth VARCHAR NOT NULL, \n\tblockers VARCHAR NOT NULL, \n\tdecisions_needed VARCHAR NOT NULL, \n\trecovery_plan VARCHAR NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (engagement_id, month), \n\tFOREIGN KEY(engagement_id) REFERENCES engagement (id) ON DELETE CASCADE\n)')
    run('CREATE TABLE vendor_reference (\n\tid INTEGER NOT NULL, \n\tvendor_id INTEGER NOT NULL, \n\tcompany VARCHAR NOT NULL, \n\tindustry VARCHAR NOT NULL, \n\tstage VARCHAR NOT NULL, \n\tin_production BOOLEAN NOT NULL, \n\tcontactable BOOLEAN NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(vendor_id) REFERENCES vendor (id) ON DELETE CASCADE\n)')
    run('CREATE INDEX ix_vendor_reference_vendor_id ON vendor_reference (vendor_id)')
    run('CREATE TABLE review_actual (\n\tid INTEGER NOT NULL, \n\treview_id INTEGER NOT NULL, \n\tmetric_id INTEGER NOT NULL, \n\tvalue FLOAT NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (review_id, metric_id), \n\tFOREIGN KEY(review_id) REFERENCES monthly_review (id) ON DELETE CASCADE, \n\tFOREIGN KEY(metric_id) REFERENCES engagement_metric (id) ON DELETE CASCADE\n)')


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
