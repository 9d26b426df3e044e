-- Up Migration
-- Who belongs to a tenant and in which role. user_id is an identity token's subject (never an e-mail); the
-- deletion API and the bridge read it to decide who may delete the tenant. Rows go when the tenant's PII is erased.
CREATE TABLE tenant_members (
  tenant_id text NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
  user_id   text NOT NULL CHECK (user_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  role      text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  added_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);

-- At most one owner per tenant, whoever writes the table; the API keeps it at exactly one once there is one.
CREATE UNIQUE INDEX tenant_members_one_owner ON tenant_members (tenant_id) WHERE role = 'owner';

-- Down Migration
DROP TABLE tenant_members;
