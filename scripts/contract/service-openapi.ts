import { z } from 'zod';
import {
  deletionAcceptedBodySchema,
  deletionBodySchema,
  deletionRunningBodySchema,
  identifier,
  legalHoldLiftedSchema,
  legalHoldRefusalSchema,
  legalHoldStateSchema,
  previewBodySchema,
  requestId,
} from '@tenant-deletion/contract';
import type { Scope } from '@tenant-deletion/contract/service-token';
import { legalHoldBodySchema } from '@tenant-deletion/kit';
import { commonErrors, serviceToken, tenantIdParameter } from './shared-components';
import { embeddedSchemaOf } from './json-schema';
import { json, OpenApiBuilder } from './openapi-builder';

/** The HTTP contract every deletable service implements, whatever its language, as OpenAPI 3.1. */

export const SERVICE_OPENAPI_PATH = 'docs/contract/openapi/service-deletion.openapi.json';

export function serviceDeletionDocument(): Record<string, unknown> {
  const api = new OpenApiBuilder({
    info: {
      title: 'Service deletion contract',
      version: '0.1.0',
      description:
        "What every deletable service exposes under its base URL (the inventory's baseUrl) so that the " +
        "orchestrator can preview and delete one tenant's data. Prose, examples and the orchestrator's side: " +
        'docs/contract.md, "The service deletion contract".',
    },
    servers: [
      {
        url: '{baseUrl}',
        description: "The service instance's base URL, as the inventory records it",
        variables: {
          baseUrl: { default: 'http://localhost:8101/api/v1/orders', description: 'e.g. the demo fleet’s orders' },
        },
      },
    ],
    tags: [
      { name: 'deletion', description: 'Called by the orchestrator' },
      {
        name: 'legal holds',
        description:
          'Called by an admin (legal-hold:admin, granted only by the admin authority), never by the orchestrator',
      },
    ],
    security: serviceToken("= the service's serviceType"),
  });
  const errors = commonErrors(api, 'the service type');
  const tenantId = tenantIdParameter(api);
  const traceId = api.parameter('TraceId', {
    name: 'X-Trace-Id',
    in: 'header',
    required: false,
    description: "The deletion's trace id, for the service's logs; echoed in the answer's X-Trace-Id.",
    schema: embeddedSchemaOf(identifier),
  });
  const badRequest = api.response('BadRequest', {
    description:
      'INVALID_TENANT_ID, INVALID_JOB_ID, INVALID_IDEMPOTENCY_KEY, INVALID_REQUEST: nothing is done. The ' +
      "orchestrator fails the instance at once with the service's message (ServiceRejected).",
    content: json(errors.error),
  });
  const legalHold = api.response('LegalHold', {
    description:
      'LEGAL_HOLD: the tenant is under legal hold; nothing (more) is deleted. The orchestrator shows the instance ' +
      'ON_HOLD and asks again, with growing pauses, until the hold is lifted or an admin cancels. held_by and ' +
      'held_since (optional) name who placed the hold and when.',
    content: json(api.schema('LegalHoldRefusal', legalHoldRefusalSchema)),
  });
  const common = errors.byStatus;
  /** Each route's scope (issue 18): a token for one scope is refused (403) on every other route. */
  const scope = (name: Scope) => [{ serviceToken: [name] }];
  const deletionBody = api.schema('DeletionBody', deletionBodySchema);
  const deleted = {
    description:
      'Done: every row of the tenant is gone (children before parents; rows shared across tenants are kept). A ' +
      'repeat answers 200 with zero counts.',
    content: json(deletionBody),
  };

  api.operation('get', '/tenant/{tenantId}/deletion-preview', {
    operationId: 'previewTenantDeletion',
    summary: 'What a deletion of the tenant would delete, per table; deletes nothing',
    description: 'An unknown tenant answers 200 with zero counts, never 404.',
    tags: ['deletion'],
    security: scope('tenant-data:preview'),
    parameters: [tenantId, traceId],
    responses: {
      '200': { description: 'The counts', content: json(api.schema('PreviewBody', previewBodySchema)) },
      '400': badRequest,
      ...common,
    },
  });

  api.operation('delete', '/tenant/{tenantId}', {
    operationId: 'deleteTenantData',
    summary: "Deletes all of the tenant's rows in this service",
    description:
      'Idempotent: an unknown tenant, or a repeat, answers 200 with zero counts. A 404 therefore means a wrong ' +
      'base URL, and the orchestrator fails the instance naming it.',
    tags: ['deletion'],
    security: scope('tenant-data:delete'),
    parameters: [
      tenantId,
      traceId,
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'The orchestrator sends `{requestId}:{run}`, the same for every retry of one run. A repeat with the same ' +
          'key gets the first answer again (header Idempotency-Replayed: true); the same key for another tenant ' +
          'or operation is refused with 422.',
        schema: embeddedSchemaOf(requestId),
      },
    ],
    responses: {
      '200': {
        ...deleted,
        headers: {
          'Idempotency-Replayed': { description: 'true: a stored answer to the same key', schema: { const: 'true' } },
        },
      },
      '202': {
        description: 'A background deletion: poll the Location until it answers 200.',
        headers: { Location: { description: 'The job to poll, absolute', schema: { type: 'string' } } },
        content: json(api.schema('DeletionAcceptedBody', deletionAcceptedBodySchema)),
      },
      '400': badRequest,
      '409': legalHold,
      '422': {
        description:
          'IDEMPOTENCY_KEY_REUSED: the key was first used for another tenant or operation; nothing is done ' +
          '(ServiceRejected).',
        content: json(errors.error),
      },
      ...common,
    },
  });

  api.operation('get', '/deletions/{jobId}', {
    operationId: 'pollTenantDeletion',
    summary: 'The Location of a 202: still running, or done',
    tags: ['deletion'],
    security: scope('tenant-data:delete'),
    parameters: [
      {
        name: 'jobId',
        in: 'path',
        required: true,
        description: 'The job id of a 202',
        schema: embeddedSchemaOf(z.uuid()),
      },
      traceId,
    ],
    responses: {
      '200': deleted,
      '202': {
        description: 'Still running: what is deleted so far.',
        content: json(api.schema('DeletionRunningBody', deletionRunningBodySchema)),
      },
      '400': badRequest,
      '404': {
        description:
          'NOT_FOUND: the service does not know the job (any more). When a retried attempt resumes polling a job ' +
          'an earlier attempt started, the orchestrator takes 404 or 410 as "forgotten" and repeats the DELETE with ' +
          'the same Idempotency-Key; within one attempt, a 404 fails the instance like any 404 (ServiceRejected).',
        content: json(errors.error),
      },
      '409': legalHold,
      ...common,
    },
  });

  const holdState = json(api.schema('LegalHoldState', legalHoldStateSchema));
  api.operation('get', '/admin/legal-holds/{tenantId}', {
    operationId: 'getLegalHold',
    summary: "The tenant's legal hold, if any, and its lifted holds (who placed and who lifted each)",
    tags: ['legal holds'],
    security: scope('legal-hold:admin'),
    parameters: [tenantId],
    responses: { '200': { description: 'held or not', content: holdState }, '400': badRequest, ...common },
  });
  api.operation('put', '/admin/legal-holds/{tenantId}', {
    operationId: 'placeLegalHold',
    summary: 'Places (or re-words) a legal hold: from now on deletion answers 409 and deletes nothing',
    description:
      'Placing a hold twice keeps the first placer and placement time and the newest reason. placed_by is the ' +
      "token's subject.",
    tags: ['legal holds'],
    security: scope('legal-hold:admin'),
    parameters: [tenantId],
    requestBody: { required: true, content: json(api.schema('LegalHoldRequest', legalHoldBodySchema)) },
    responses: { '200': { description: 'The hold', content: holdState }, '400': badRequest, ...common },
  });
  api.operation('delete', '/admin/legal-holds/{tenantId}', {
    operationId: 'liftLegalHold',
    summary: "Lifts the tenant's legal hold; idempotent",
    description: "The lifted hold is kept in the service's history with lifted_by (the token's subject) and lifted_at.",
    tags: ['legal holds'],
    security: scope('legal-hold:admin'),
    parameters: [tenantId],
    responses: {
      '200': {
        description: 'lifted: false when there was none',
        content: json(api.schema('LegalHoldLifted', legalHoldLiftedSchema)),
      },
      '400': badRequest,
      ...common,
    },
  });
  return api.document();
}
