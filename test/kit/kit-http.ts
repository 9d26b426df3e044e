import { mintServiceToken } from '@tenant-deletion/contract/service-token';

/** Real HTTP against a started kit service, with a valid token unless the test says otherwise. */

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  /** null sends no Authorization header; a string is sent as the bearer token. */
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function kitClient(secret: string, audience: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    url: string,
    options: CallOptions = {},
  ): Promise<HttpAnswer<T>> {
    const token =
      options.token === undefined ? await mintServiceToken(secret, { audience, subject: 'kit-test' }) : options.token;
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
