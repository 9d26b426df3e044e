import { errorBodySchema, identifier } from '@tenant-deletion/contract';
import { MAX_TOKEN_LIFETIME_SECONDS, TOKEN_ISSUER } from '@tenant-deletion/contract/service-token';
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
        'HS256 with the secret shared between the orchestrator and the services (SERVICE_TOKEN_SECRET); issuer ' +
        `${TOKEN_ISSUER}, audience ${audience}, subject = who asks, exp - iat at most ` +
        `${MAX_TOKEN_LIFETIME_SECONDS} s; exp, iat, aud and sub are required. Asymmetric (EdDSA/ES256, JWKS) ` +
        'tokens with scopes replace it with issue 18.',
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
          'UNAUTHENTICATED: no bearer token, or one that is expired, badly signed, from another issuer, lives longer ' +
            'than 300 s or lacks exp, iat, aud or sub. Nothing is done. The orchestrator does not retry ' +
            '(ServiceRejected): a token problem is one of configuration, not a passing one.',
        ),
      ),
      '403': builder.response(
        'Forbidden',
        refusal(
          `FORBIDDEN: a valid token addressed to another audience than ${audience}. Nothing is done. The ` +
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
