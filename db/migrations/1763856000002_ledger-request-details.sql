-- Up Migration
-- A whole-tenant request covers many instances, so a ledger row is one (request, instance) pair: request_id
-- becomes "<requestId>:<serviceInstanceId>" and the request's own id is kept beside it.
ALTER TABLE service_deletion_requests
  ADD COLUMN deletion_request_id text,
  ADD COLUMN dry_run boolean NOT NULL DEFAULT false,
  ADD COLUMN gdpr_mode boolean NOT NULL DEFAULT false,
  ADD COLUMN deleted_counts jsonb;

CREATE INDEX service_deletion_requests_deletion_request_idx ON service_deletion_requests (deletion_request_id);

-- Down Migration
DROP INDEX service_deletion_requests_deletion_request_idx;
ALTER TABLE service_deletion_requests
  DROP COLUMN deletion_request_id,
  DROP COLUMN dry_run,
  DROP COLUMN gdpr_mode,
  DROP COLUMN deleted_counts;
