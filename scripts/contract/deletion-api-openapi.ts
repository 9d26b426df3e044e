import { z } from 'zod';
import { deletionCertificateSchema, errorBodySchema, identifier, requestId } from '@tenant-deletion/contract';
import {
  API_PREFIX,
  approveBodySchema,
  controlAnswerSchema,
  controlBodySchema,
  deletionAcceptedSchema,
  healthSchema,
  instanceDeletionBodySchema,
  requestStatusAnswerSchema,
  tenantDeletionStatusSchema,
  wholeTenantDeletionBodySchema,
} from '../../client/api/api-schemas';
import { embeddedSchemaOf } from './json-schema';
import { json, OpenApiBuilder, type Operation, type Ref, type Response } from './openapi-builder';

/** The deletion API (client/api, `npm run api`), as OpenAPI 3.1; the API serves it at /openapi.json. */

/** JSON Schema has no `base64` format (zod writes one): the same rule as a pattern, so validators check it. */
const certificateSchema = deletionCertificateSchema.extend({
  signature: z
    .string()
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/)
    .describe('Ed25519 signature over the 32 digest bytes of hash, base64'),
});

export const DELETION_API_OPENAPI_PATH = 'docs/contract/openapi/deletion-api.openapi.json';

export function deletionApiDocument(): Record<string, unknown> {
  const api = new OpenApiBuilder({
    info: {
      title: 'Tenant deletion API',
      version: '0.1.0',
      description:
        "For tenant admins and operators: request a tenant's deletion, follow it, read its certificate, cancel, " +
        'retry or approve it. Deletions start like a Kafka request (signal-with-start of the tenant workflow), with ' +
        'requestedBy = the token subject. Prose: docs/contract.md, "The deletion API".',
    },
    servers: [{ url: 'http://localhost:8090', description: 'The local stack (`npm run api`, API_PORT)' }],
    tags: [
      { name: 'deletions', description: 'Request and follow deletions' },
      { name: 'controls', description: 'Cancel, retry and approve a running deletion' },
      { name: 'service', description: 'Health and this document; no token needed' },
    ],
    security: {
      name: 'identityToken',
      scheme: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An identity token from the identity issuer (AUTH_ISSUER; locally `npx tdel dev-token --sub <id>`): ' +
          'audience tenant-deletion-api, `sub` (becomes requestedBy), optional `roles` (operator). EdDSA, ES256, ' +
          'RS256 or PS256; HS* and none are refused.',
      },
    },
  });
  const error = api.schema('ErrorBody', errorBodySchema);
  const refusal = (description: string): Response => ({ description, content: json(error) });
  const common: Record<string, Ref> = {
    '401': api.response(
      'Unauthenticated',
      refusal(
        'UNAUTHENTICATED: no bearer token, or one that is expired, badly signed, from another issuer, for another ' +
          'audience, or signed with HS* or none. The message says which.',
      ),
    ),
    '403': api.response(
      'Forbidden',
      refusal(
        "FORBIDDEN: a valid token whose subject has no right here (not the tenant's owner or admin, no operator " +
          'role; approve: not an operator, or the requester itself). The message names the standing.',
      ),
    ),
    '404': api.response(
      'NotFound',
      refusal(
        'TENANT_NOT_FOUND (the registry does not know the tenant), NO_DELETION, NO_CERTIFICATE, REQUEST_NOT_FOUND',
      ),
    ),
    '503': api.response(
      'Unavailable',
      refusal('UNAVAILABLE: Temporal, the registry or the identity issuer did not answer; retry (Retry-After)'),
    ),
  };
  const badRequest = (codes: string) => refusal(`${codes}: nothing is done; the message names the field and rule.`);
  const tenantId = api.parameter('TenantId', {
    name: 'tenantId',
    in: 'path',
    required: true,
    description: 'The tenant (1-64 characters of A-Z a-z 0-9 . _ : -; anything else is 400 INVALID_TENANT_ID)',
    schema: embeddedSchemaOf(identifier),
  });
  const startHeaders = [
    api.parameter('IdempotencyKey', {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retried call the same request: the requestId is derived from the key, the subject and the tenant ' +
        '(1-255 visible ASCII characters). Without it, every call is a new request.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    }),
    api.parameter('TraceId', {
      name: 'X-Trace-Id',
      in: 'header',
      required: false,
      description: "The request's trace id (an identifier); a new one when absent. Echoed in X-Trace-Id.",
      schema: embeddedSchemaOf(identifier),
    }),
  ];
  const accepted: Response = {
    description: 'The tenant workflow has the request. Follow it at `status` (also the Location) or `request`.',
    headers: { Location: { description: "The tenant's deletion status", schema: { type: 'string' } } },
    content: json(api.schema('DeletionAccepted', deletionAcceptedSchema)),
  };
  const start = (operationId: string, summary: string, body: Ref, required: boolean): Operation => ({
    operationId,
    summary,
    tags: ['deletions'],
    parameters: [tenantId, ...startHeaders],
    requestBody: { required, content: json(body) },
    responses: {
      '202': accepted,
      '400': badRequest('INVALID_TENANT_ID, INVALID_REQUEST, INVALID_IDEMPOTENCY_KEY, INVALID_TRACE_ID'),
      ...common,
    },
  });

  api.operation(
    'delete',
    `${API_PREFIX}/tenants/{tenantId}`,
    start(
      'deleteTenant',
      'Deletes the whole tenant (every active service instance), like a tenant.deletion.request message',
      api.schema('WholeTenantDeletionBody', wholeTenantDeletionBodySchema),
      false,
    ),
  );
  api.operation(
    'post',
    `${API_PREFIX}/tenants/{tenantId}/deletions`,
    start(
      'deleteInstances',
      "Deletes some of the tenant's service instances",
      api.schema('InstanceDeletionBody', instanceDeletionBodySchema),
      true,
    ),
  );

  const read = (operationId: string, summary: string, answer: Ref, extra: Partial<Operation> = {}): Operation => ({
    operationId,
    summary,
    tags: ['deletions'],
    parameters: [tenantId],
    responses: {
      '200': { description: summary, content: json(answer) },
      '400': badRequest('INVALID_TENANT_ID'),
      ...common,
    },
    ...extra,
  });
  api.operation(
    'get',
    `${API_PREFIX}/tenants/{tenantId}/deletion`,
    read(
      'getTenantDeletion',
      "The tenant's deletion: per instance status, counts, attempts, last error; requests; totals; result",
      api.schema('TenantDeletionStatus', tenantDeletionStatusSchema),
      { description: 'Its owner, admins, operators, and whoever requested one of its deletions may read it.' },
    ),
  );
  api.operation(
    'get',
    `${API_PREFIX}/tenants/{tenantId}/certificate`,
    read(
      'getTenantCertificate',
      "The tenant's latest signed deletion certificate, as issued (docs/certificates.md says how to verify it)",
      api.schema('DeletionCertificate', certificateSchema),
    ),
  );
  api.operation('get', `${API_PREFIX}/deletions/{requestId}`, {
    operationId: 'getDeletionRequest',
    summary: 'One request: its status in the tenant workflow and its ledger rows, one per instance',
    tags: ['deletions'],
    parameters: [
      {
        name: 'requestId',
        in: 'path',
        required: true,
        description: 'A requestId',
        schema: embeddedSchemaOf(requestId),
      },
    ],
    responses: {
      '200': { description: 'The request', content: json(api.schema('RequestStatus', requestStatusAnswerSchema)) },
      '400': badRequest('INVALID_REQUEST_ID'),
      ...common,
    },
  });

  const controlAnswer = api.schema('ControlAnswer', controlAnswerSchema);
  const controlBody = api.schema('ControlBody', controlBodySchema);
  const control = (verb: string, summary: string, body: Ref, who: string): Operation => ({
    operationId: `${verb}Deletion`,
    summary,
    description: `${who} The workflow's validator refuses what would do nothing, or names an unknown id: 409.`,
    tags: ['controls'],
    parameters: [tenantId],
    requestBody: { required: false, content: json(body) },
    responses: {
      '200': { description: 'What happened to each instance and request', content: json(controlAnswer) },
      '400': badRequest('INVALID_TENANT_ID, INVALID_REQUEST'),
      '409': refusal('REFUSED: the validator said no (nothing to do, unknown id, the deletion has ended)'),
      ...common,
    },
  });
  const owners = "The tenant's owner or admin, or an operator.";
  api.operation(
    'post',
    `${API_PREFIX}/tenants/{tenantId}/deletion/cancel`,
    control('cancel', 'Cancels the running deletion (or the named instances)', controlBody, owners),
  );
  api.operation(
    'post',
    `${API_PREFIX}/tenants/{tenantId}/deletion/retry`,
    control('retry', 'Runs failed instances (or the named ones) again', controlBody, owners),
  );
  api.operation(
    'post',
    `${API_PREFIX}/tenants/{tenantId}/deletion/approve`,
    control(
      'approve',
      'Releases deletions held for approval; approvedBy = the token subject',
      api.schema('ApproveBody', approveBodySchema),
      'An operator who did not request the held deletion (four eyes: a self-approval is 403).',
    ),
  );

  const open = (operationId: string, summary: string, content?: Response['content']): Operation => ({
    operationId,
    summary,
    tags: ['service'],
    security: [],
    responses: { '200': { description: summary, ...(content ? { content } : {}) } },
  });
  api.operation('get', '/healthz', open('health', 'The API is up', json(api.schema('Health', healthSchema))));
  api.operation('get', '/openapi.json', open('openApi', 'This document'));
  return api.document();
}
