import {
  identifier,
  memberRemovedSchema,
  ownershipTransferredSchema,
  tenantErasedSchema,
  tenantMemberSchema,
  tenantMembersSchema,
  tenantSavedSchema,
  tenantStateSchema,
  tenantTransitionSchema,
} from '@tenant-deletion/contract';
import { REGISTRY_AUDIENCE, type Scope } from '@tenant-deletion/contract/service-token';
import {
  createQuery,
  deleteQuery,
  memberBodySchema,
  newTenantSchema,
  transferBodySchema,
} from '@tenant-deletion/example-registry';
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
        "(erasing its PII in GDPR mode) when finalizing. It keeps each tenant's members (owner, admins, members), " +
        'which the deletion API and the bridge read to decide who may delete a tenant. ' +
        'Prose: docs/contract.md, "The tenant registry".',
    },
    servers: [{ url: 'http://localhost:8100', description: 'The local stack (TENANT_REGISTRY_URL)' }],
    tags: [
      { name: 'tenants', description: 'Tenant records and their life cycle: ACTIVE, SUSPENDED, DELETED' },
      { name: 'members', description: "A tenant's members and roles: exactly one owner, admins, members" },
    ],
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
  /** Each route's scopes (issue 18), any one of them; a token for another scope is refused (403). */
  const scopes = (...names: Scope[]) => names.map((name) => ({ serviceToken: [name] }));
  const transition = api.schema('TenantTransition', tenantTransitionSchema);
  const transitionRoute = (operationId: string, summary: string, extra: Record<string, Response | Ref>) => ({
    operationId,
    summary,
    tags: ['tenants'],
    security: scopes('registry:suspend'),
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
      'that is refused with 409 unless force=true, which re-creates it ACTIVE with a new created_at (and without the ' +
      "old tenant's members). `owner` makes that user the owner when the tenant has none yet.",
    tags: ['tenants'],
    security: scopes('registry:members'),
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
      '409': refusal(
        'TENANT_DELETED: the tenant is deleted; re-create it on purpose with POST /tenants?force=true. ' +
          "OWNER_EXISTS: `owner` names someone else than the tenant's owner; nothing is saved.",
      ),
      ...common,
    },
  });

  api.operation('get', '/tenants/{tenantId}', {
    operationId: 'getTenant',
    summary: "The tenant's state and creation time; no PII",
    tags: ['tenants'],
    security: scopes('registry:read'),
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
    description:
      'A tombstone stays, so that a repeat answers 200 again and the tenant is not silently re-created. ' +
      "erasePii=true removes the tenant's members too (who belonged to it is personal data).",
    tags: ['tenants'],
    security: scopes('registry:erase'),
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

  const userId = api.parameter('UserId', {
    name: 'userId',
    in: 'path',
    required: true,
    description: "A user: an identity token's subject, never an e-mail. Any other value is answered 400 INVALID_ID.",
    schema: embeddedSchemaOf(identifier),
  });
  const member = api.schema('TenantMember', tenantMemberSchema);
  const changeRefusals = {
    '404': notFound,
    ...common,
  };
  api.operation('get', '/tenants/{tenantId}/members', {
    operationId: 'listMembers',
    summary: "The tenant's members: owner first, then admins, then members",
    description:
      'The deletion API and the bridge read it with a registry:read token to decide who may delete the tenant. ' +
      'A DELETED tenant whose PII was erased has no members left.',
    tags: ['members'],
    security: scopes('registry:members', 'registry:read'),
    parameters: [tenantId],
    responses: {
      '200': { description: 'The members', content: json(api.schema('TenantMembers', tenantMembersSchema)) },
      '400': badRequest('INVALID_TENANT_ID'),
      ...changeRefusals,
    },
  });
  api.operation('put', '/tenants/{tenantId}/members/{userId}', {
    operationId: 'putMember',
    summary: 'Adds a member or sets their role',
    description:
      'role owner only while the tenant has no owner (else 409 OWNER_EXISTS: transfer ownership instead); the ' +
      "owner's own role is not lowered here (409 OWNER_REQUIRED), so a tenant with an owner always keeps one.",
    tags: ['members'],
    security: scopes('registry:members'),
    parameters: [tenantId, userId],
    requestBody: { required: true, content: json(api.schema('MemberRole', memberBodySchema)) },
    responses: {
      '200': { description: 'The role was set', content: json(member) },
      '201': { description: 'The member was added', content: json(member) },
      '400': badRequest('INVALID_ID, INVALID_MEMBER'),
      '409': refusal(
        'OWNER_EXISTS: another user owns the tenant. OWNER_REQUIRED: this user is the owner; transfer ownership ' +
          "first. TENANT_DELETED: a deleted tenant's members do not change. Nothing is changed.",
      ),
      ...changeRefusals,
    },
  });
  api.operation('delete', '/tenants/{tenantId}/members/{userId}', {
    operationId: 'removeMember',
    summary: 'Removes a member; idempotent',
    tags: ['members'],
    security: scopes('registry:members'),
    parameters: [tenantId, userId],
    responses: {
      '200': {
        description: 'Removed (removed: false when they were not a member)',
        content: json(api.schema('MemberRemoved', memberRemovedSchema)),
      },
      '400': badRequest('INVALID_ID'),
      '409': refusal(
        'OWNER_REQUIRED: the owner cannot be removed; transfer ownership first. TENANT_DELETED: a deleted ' +
          "tenant's members do not change.",
      ),
      ...changeRefusals,
    },
  });
  api.operation('post', '/tenants/{tenantId}/transfer-ownership', {
    operationId: 'transferOwnership',
    summary: 'Makes a member the owner; the previous owner becomes an admin',
    description:
      'One transaction: the tenant never has two owners or, once it has one, none. A repeat changes nothing.',
    tags: ['members'],
    security: scopes('registry:members'),
    parameters: [tenantId],
    requestBody: { required: true, content: json(api.schema('OwnershipTransfer', transferBodySchema)) },
    responses: {
      '200': {
        description: 'The owner now, and before',
        content: json(api.schema('OwnershipTransferred', ownershipTransferredSchema)),
      },
      '400': badRequest('INVALID_TENANT_ID, INVALID_TRANSFER'),
      '409': refusal(
        "NOT_A_MEMBER: `to` is not a member of the tenant (add them first). TENANT_DELETED: a deleted tenant's " +
          'members do not change. Nothing is changed.',
      ),
      ...changeRefusals,
    },
  });
  return api.document();
}
