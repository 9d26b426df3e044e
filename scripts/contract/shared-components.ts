import { errorBodySchema, identifier } from '@tenant-deletion/contract';
import {
  ADMIN_TOKEN_ISSUER,
  MAX_TOKEN_LIFETIME_SECONDS,
  READER_TOKEN_ISSUER,
  TOKEN_ISSUER,
} from '@tenant-deletion/contract/service-token';
import { embeddedSchemaOf } from './json-schema';
import { json, type DocumentHead, type OpenApiBuilder, type Ref, type Response } from './openapi-builder';

/**
 * What the service and registry documents share: the service token, the tenantId path parameter, and the refusals
 * every authenticated route may answer, with what the orchestrator does with each.
 */

export function serviceToken(audience: string): DocumentHead['security'] {
  return {
    name: 'serviceToken',
    scheme: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        `EdDSA or ES256 (HS* and none are refused), verified with the public keys of a JWKS; audience ${audience}, ` +
        `subject = who asks, exp - iat at most ${MAX_TOKEN_LIFETIME_SECONDS} s; exp, iat, aud, sub and scope ` +
        '(space-separated) are required. Each route names the scope it needs; each issuer may grant only its own: ' +
        `${TOKEN_ISSUER} (the workers) the tenant-data and registry deletion scopes, ${READER_TOKEN_ISSUER} ` +
        `registry:read, ${ADMIN_TOKEN_ISSUER} legal-hold:admin, kit:faults, registry:members and registry:read.`,
    },
  };
}

export function tenantIdParameter(api: OpenApiBuilder): Ref {
  return api.parameter('TenantId', {
    name: 'tenantId',
    in: 'path',
    required: true,
    description: 'The tenant. Any other value is answered 400 INVALID_TENANT_ID before anything runs.',
    schema: embeddedSchemaOf(identifier),
  });
}

export const RETRY_AFTER = {
  description: 'Seconds (or an HTTP date) before a retry; the orchestrator waits that long, at most an hour.',
  schema: { type: 'string' },
};

export interface CommonErrors {
  error: Ref;
  /** 401, 403, 500 and 503, for every authenticated route. */
  byStatus: Record<'401' | '403' | '500' | '503', Ref>;
}

export function commonErrors(builder: OpenApiBuilder, audience: string): CommonErrors {
  const error = builder.schema('ErrorBody', errorBodySchema);
  const refusal = (description: string, headers?: Response['headers']): Response => ({
    description,
    ...(headers ? { headers } : {}),
    content: json(error),
  });
  return {
    error,
    byStatus: {
      '401': builder.response(
        'Unauthenticated',
        refusal(
          'UNAUTHENTICATED: no bearer token, or one that is expired, badly signed, HS256 or unsigned, from an ' +
            'untrusted issuer, lives longer than 300 s or lacks exp, iat, aud, sub or scope. Nothing is done. The orchestrator does not retry ' +
            '(ServiceRejected): a token problem is one of configuration, not a passing one.',
        ),
      ),
      '403': builder.response(
        'Forbidden',
        refusal(
          `FORBIDDEN: a valid token addressed to another audience than ${audience}, or without the route's scope ` +
            '(or with one its issuer may not grant). Nothing is done. The ' +
            'orchestrator does not retry (ServiceRejected).',
        ),
      ),
      '503': builder.response(
        'Unavailable',
        refusal(
          'Try again later (UNAVAILABLE: the database is down; BUSY, DELETION_IN_PROGRESS, SHUTTING_DOWN from the ' +
            'kit). 429, 502 and 504 are treated alike. The orchestrator retries with backoff, honouring Retry-After ' +
            '(ServiceUnavailable).',
          { 'Retry-After': RETRY_AFTER },
        ),
      ),
      '500': builder.response(
        'InternalError',
        refusal(
          'INTERNAL, DATABASE_ERROR, FILE_PATH_REFUSED, DELETION_FAILED: the service failed. Any other 5xx is ' +
            'treated as unavailable: the orchestrator retries with backoff until the retry policy gives up.',
        ),
      ),
    },
  };
}
