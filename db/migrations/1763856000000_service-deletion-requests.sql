-- Up Migration
-- The ledger: one row per deletion request of a service instance, with the original design's columns.
CREATE TABLE service_deletion_requests (
  request_id          text PRIMARY KEY,
  tenant_id           text NOT NULL,
  service_instance_id text NOT NULL,
  service_type        text NOT NULL,
  trace_id            text NOT NULL,
  workflow_id         text NOT NULL,
  status              text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED')),
  retry_count         integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  duration_ms         bigint CHECK (duration_ms >= 0),
  failure_reason      text
);

CREATE INDEX service_deletion_requests_tenant_instance_idx
  ON service_deletion_requests (tenant_id, service_instance_id);

-- Down Migration
DROP TABLE service_deletion_requests;
