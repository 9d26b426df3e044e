-- Up Migration
-- The blast-radius cap counts whole-tenant deletions started in a rolling window, across every workflow.
CREATE TABLE whole_tenant_deletion_starts (
  request_id  text PRIMARY KEY,
  tenant_id   text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  approved_by text
);

CREATE INDEX whole_tenant_deletion_starts_started_at_idx ON whole_tenant_deletion_starts (started_at);

-- Down Migration
DROP TABLE whole_tenant_deletion_starts;
