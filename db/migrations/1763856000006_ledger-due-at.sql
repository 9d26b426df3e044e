-- Up Migration
-- GDPR Art. 12(3): an erasure request is due one month after it was made. NULL for non-GDPR requests and dry runs.
ALTER TABLE service_deletion_requests ADD COLUMN due_at timestamptz;

CREATE INDEX service_deletion_requests_open_due_at_idx ON service_deletion_requests (due_at)
  WHERE due_at IS NOT NULL AND status IN ('PENDING', 'IN_PROGRESS', 'FAILED');

-- Down Migration
DROP INDEX service_deletion_requests_open_due_at_idx;
ALTER TABLE service_deletion_requests DROP COLUMN due_at;
