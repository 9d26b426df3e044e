-- Up Migration
-- Signed deletion certificates, one global hash chain (see docs/certificates.md). The rows are append-only: the
-- triggers below refuse UPDATE, DELETE and TRUNCATE, so neither the application nor a mistaken script can rewrite
-- what was certified. The unique sequence and previous_hash keep the chain linear even if a writer skipped the
-- advisory lock that serializes appends.
CREATE TABLE deletion_certificates (
  id            uuid PRIMARY KEY,
  sequence      bigint NOT NULL UNIQUE CHECK (sequence > 0),
  -- One certificate per finalization: a retried activity gets the same certificate back.
  run_key       text NOT NULL UNIQUE,
  tenant_id     text NOT NULL,
  issued_at     timestamptz NOT NULL,
  body          jsonb NOT NULL,
  -- The exact RFC 8785 text that was hashed and signed; jsonb does not keep bytes, this column does.
  canonical     text NOT NULL,
  hash          text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  -- The first certificate's predecessor is 64 zeros, so that two chains cannot both start.
  previous_hash text NOT NULL UNIQUE CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
  signature     text NOT NULL,
  key_id        text NOT NULL
);

CREATE INDEX deletion_certificates_tenant_idx ON deletion_certificates (tenant_id, sequence DESC);

CREATE FUNCTION deletion_certificates_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'deletion_certificates is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'a certificate is never edited or removed; a later deletion issues a new one';
END;
$$;

CREATE TRIGGER deletion_certificates_no_update_delete
  BEFORE UPDATE OR DELETE ON deletion_certificates
  FOR EACH ROW EXECUTE FUNCTION deletion_certificates_refuse_change();

CREATE TRIGGER deletion_certificates_no_truncate
  BEFORE TRUNCATE ON deletion_certificates
  FOR EACH STATEMENT EXECUTE FUNCTION deletion_certificates_refuse_change();

-- Down Migration
DROP TABLE deletion_certificates;
DROP FUNCTION deletion_certificates_refuse_change();
