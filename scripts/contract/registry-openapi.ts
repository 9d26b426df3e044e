import {
  tenantErasedSchema,
  tenantSavedSchema,
  tenantStateSchema,
  tenantTransitionSchema,
} from '@tenant-deletion/contract';
import { REGISTRY_AUDIENCE } from '@tenant-deletion/contract/service-token';
import { createQuery, deleteQuery, newTenantSchema } from '@tenant-deletion/example-registry';
import { commonErrors, serviceToken, tenantIdParameter } from './shared-components';
import { embeddedSchemaOf } from './json-schema';
import { json, OpenApiBuilder, type Ref, type Response } from './openapi-builder';

/** The tenant registry's HTTP API (the demo registry in services/registry), as OpenAPI 3.1. */

export const REGISTRY_OPENAPI_PATH = 'docs/contract/openapi/registry.openapi.json';

export function registryDocument(): Record<string, unknown> {
  const api = new OpenApiBuilder({
    info: {
      title: 'Tenant registry',
      version: '0.1.0',
      description:
        'The service that owns tenant records (names, owners, billing: PII). The orchestrator suspends a tenant ' +
        'before deleting it, reads its created_at to refuse requests older than the tenant, and deletes the record ' +
        '(erasing its PII in GDPR mode) when finalizing. Prose: docs/contract.md, "The tenant registry".',
    },
    servers: [{ url: 'http://localhost:8100', description: 'The local stack (TENANT_REGISTRY_URL)' }],
    tags: [{ name: 'tenants', description: 'Tenant records and their life cycle: ACTIVE, SUSPENDED, DELETED' }],
    security: serviceToken(REGISTRY_AUDIENCE),
  });
  const errors = commonErrors(api, REGISTRY_AUDIENCE);
  const tenantId = tenantIdParameter(api);
  const refusal = (description: string): Response => ({ description, content: json(errors.error) });
  const badRequest = (codes: string) => refusal(`${codes}: nothing is done (the orchestrator does not retry).`);
  const notFound = refusal(
    'TENANT_NOT_FOUND: the tenant is not registered. The orchestrator takes it as nothing to suspend, and for a ' +
      'DELETE as "not found", never "erased", in the certificate.',
  );
  const deleted = refusal(
    'TENANT_DELETED: the tenant is deleted; re-create it on purpose with POST /tenants?force=true.',
  );
  const common = errors.byStatus;
  const transition = api.schema('TenantTransition', tenantTransitionSchema);
  const transitionRoute = (operationId: string, summary: string, extra: Record<string, Response | Ref>) => ({
    operationId,
    summary,
    tags: ['tenants'],
    parameters: [tenantId],
    responses: {
      '200': {
        description: 'The state reached, and when first reached (a repeat answers the same)',
        content: json(transition),
      },
      '400': badRequest('INVALID_TENANT_ID'),
      '404': notFound,
      ...extra,
      ...common,
    },
  });

  api.operation('post', '/tenants', {
    operationId: 'saveTenant',
    summary: 'Creates or refreshes a tenant record',
    description:
      'A DELETED tenant is not re-created by accident (an old deletion request could delete the new tenant): ' +
      'that is refused with 409 unless force=true, which re-creates it ACTIVE with a new created_at.',
    tags: ['tenants'],
    parameters: [
      {
        name: 'force',
        in: 'query',
        required: false,
        description: 'true: re-create a DELETED tenant on purpose',
        schema: embeddedSchemaOf(createQuery.shape.force.unwrap()),
      },
    ],
    requestBody: { required: true, content: json(api.schema('NewTenant', newTenantSchema)) },
    responses: {
      '201': { description: 'Saved', content: json(api.schema('TenantSaved', tenantSavedSchema)) },
      '400': badRequest('INVALID_FORCE, INVALID_TENANT'),
      '409': deleted,
      ...common,
    },
  });

  api.operation('get', '/tenants/{tenantId}', {
    operationId: 'getTenant',
    summary: "The tenant's state and creation time; no PII",
    tags: ['tenants'],
    parameters: [tenantId],
    responses: {
      '200': { description: 'The state', content: json(api.schema('TenantState', tenantStateSchema)) },
      '400': badRequest('INVALID_TENANT_ID'),
      '404': notFound,
      ...common,
    },
  });

  api.operation(
    'post',
    '/tenants/{tenantId}/suspend',
    transitionRoute('suspendTenant', 'Stops accepting writes for the tenant; idempotent', {}),
  );
  api.operation(
    'post',
    '/tenants/{tenantId}/resume',
    transitionRoute('resumeTenant', 'Accepts writes again (a cancelled deletion restores the tenant)', {
      '409': deleted,
    }),
  );

  api.operation('delete', '/tenants/{tenantId}', {
    operationId: 'deleteTenant',
    summary: 'Removes the tenant record, erasing its PII when erasePii=true; idempotent',
    description: 'A tombstone stays, so that a repeat answers 200 again and the tenant is not silently re-created.',
    tags: ['tenants'],
    parameters: [
      tenantId,
      {
        name: 'erasePii',
        in: 'query',
        required: true,
        description: "true: erase the record's PII too (GDPR mode)",
        schema: embeddedSchemaOf(deleteQuery.shape.erasePii),
      },
    ],
    responses: {
      '200': { description: 'Deleted', content: json(api.schema('TenantErased', tenantErasedSchema)) },
      '400': badRequest('INVALID_TENANT_ID, INVALID_ERASE_PII'),
      '404': notFound,
      ...common,
    },
  });
  return api.document();
}
