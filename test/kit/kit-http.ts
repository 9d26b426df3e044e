import type { Scope } from '@tenant-deletion/contract/service-token';
import { scopeOfRoute, type TestTokens } from './test-tokens';

/** Real HTTP against a started kit service, with a token for the route's scope unless the test says otherwise. */

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  /** null sends no Authorization header; a string is sent as the bearer token. */
  token?: string | null;
  /** The scope of the minted token, when not the route's own. */
  scope?: Scope;
  /** The minted token's subject (who placed or lifted a hold). */
  subject?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function kitClient(tokens: TestTokens, audience: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    url: string,
    options: CallOptions = {},
  ): Promise<HttpAnswer<T>> {
    const token =
      options.token === undefined
        ? await tokens.mint(audience, options.scope ?? scopeOfRoute(method, url), options.subject)
        : options.token;
    const response = await fetch(url, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}
