-- Up Migration
-- The service inventory: which service instances a tenant has, and which of them each one needs
-- (depends_on: it is deleted before them). Other systems of record may write it directly, so the
-- contract's identifier rules are checked here as well as in db/service-instances.ts.
CREATE TABLE service_instances (
  tenant_id           text NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  service_instance_id text NOT NULL CHECK (service_instance_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  service_type        text NOT NULL CHECK (service_type ~ '^[a-z0-9-]{1,50}$'),
  base_url            text NOT NULL CHECK (base_url ~ '^https?://'),
  depends_on          text[] NOT NULL DEFAULT '{}' CONSTRAINT service_instances_depends_on_check
    CHECK (array_position(depends_on, NULL) IS NULL AND NOT service_instance_id = ANY (depends_on)),
  status              text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DELETING', 'DELETED')),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, service_instance_id)
);

-- Down Migration
DROP TABLE service_instances;
