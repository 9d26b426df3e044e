-- Up Migration
-- Tenant records. The PII columns are nullable because erasure overwrites them with NULL and keeps the
-- row as a tombstone: the erasure stays provable (pii_erased_at) and a late write cannot revive the tenant.
CREATE TABLE tenants (
  tenant_id       text PRIMARY KEY CHECK (tenant_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  display_name    text,
  owner_email     text,
  billing_address text,
  status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  suspended_at    timestamptz,
  deleted_at      timestamptz,
  pii_erased_at   timestamptz,
  -- A live tenant has its record; an erased one has none of it, whoever writes the table.
  CONSTRAINT tenants_live_has_pii CHECK (
    status = 'DELETED' OR (display_name IS NOT NULL AND owner_email IS NOT NULL AND billing_address IS NOT NULL)
  ),
  CONSTRAINT tenants_erased_has_no_pii CHECK (
    pii_erased_at IS NULL OR (display_name IS NULL AND owner_email IS NULL AND billing_address IS NULL)
  ),
  CONSTRAINT tenants_erased_only_when_deleted CHECK (pii_erased_at IS NULL OR status = 'DELETED')
);

-- Down Migration
DROP TABLE tenants;
