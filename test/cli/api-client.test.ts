/**
 * The CLI's side of the deletion API without the stack: what it sends (over a real local HTTP socket) and how each
 * answer becomes an exit code and a message. The API itself is tested in test/api and, with tdel, in
 * api-commands.int.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRefusal, DeletionApiClient, refusalError } from '../../client/cli/api-client';
import { CliError, EXIT } from '../../client/cli/exit-codes';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function server(status: number, answer: unknown): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const app = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const { port } = app.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => app.close() };
}

describe('DeletionApiClient', () => {
  it('sends the bearer token, the idempotency key, the trace id and the JSON body; returns the answer', async () => {
    const api = await server(202, { requestId: 'api-1:t-1' });
    try {
      const client = new DeletionApiClient(api.url, 'h.p.s');
      const answer = await client.call({
        method: 'DELETE',
        path: '/api/v1/tenants/t-1',
        body: { gdprMode: true, dryRun: false },
        idempotencyKey: 'tdel-k',
        traceId: 'cli-t',
      });
      expect(answer).toEqual({ requestId: 'api-1:t-1' });
      expect(api.seen).toEqual([
        expect.objectContaining({
          method: 'DELETE',
          url: '/api/v1/tenants/t-1',
          body: '{"gdprMode":true,"dryRun":false}',
          headers: expect.objectContaining({
            authorization: 'Bearer h.p.s',
            'idempotency-key': 'tdel-k',
            'x-trace-id': 'cli-t',
            'content-type': 'application/json',
          }),
        }),
      ]);
    } finally {
      api.close();
    }
  });

  it("turns a refusal into an ApiRefusal with the API's code and message", async () => {
    const api = await server(403, { error: { code: 'FORBIDDEN', message: 'subject m-1 is a member' } });
    try {
      const refused = new DeletionApiClient(api.url, 'h.p.s').call({ method: 'POST', path: '/x' });
      await expect(refused).rejects.toEqual(new ApiRefusal(403, 'FORBIDDEN', 'subject m-1 is a member'));
    } finally {
      api.close();
    }
  });

  it('says the API is unreachable (exit 3) and never shows the token', async () => {
    const error = await new DeletionApiClient('http://127.0.0.1:2', 'secret.token.value')
      .call({ method: 'POST', path: '/x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: EXIT.notFound, code: 'UNREACHABLE' });
    expect((error as CliError).message).toBe('the deletion API at http://127.0.0.1:2 is unreachable (ECONNREFUSED)');
    expect(JSON.stringify(error)).not.toContain('secret');
  });
});

describe('refusalError', () => {
  it("says the command's refusal once, whether or not the API's message says it", () => {
    for (const message of ['approve refused: nothing awaits approval', 'nothing awaits approval']) {
      expect(refusalError(new ApiRefusal(409, 'REFUSED', message), 'approve', 't-1').message).toBe(
        'approve refused: nothing awaits approval',
      );
    }
  });

  it.each([
    [401, 'UNAUTHENTICATED', EXIT.failed, 'the deletion API did not accept the token: token expired'],
    [403, 'FORBIDDEN', EXIT.failed, 'approve refused: token expired'],
    [409, 'REFUSED', EXIT.failed, 'approve refused: token expired'],
    [400, 'INVALID_REQUEST', EXIT.usage, 'the deletion API refused the request: token expired'],
    [404, 'TENANT_NOT_FOUND', EXIT.notFound, 'token expired'],
    [503, 'UNAVAILABLE', EXIT.notFound, 'the deletion API could not approve now: token expired'],
    [500, 'INTERNAL', EXIT.failed, 'the deletion API failed: 500 token expired'],
  ])('%i %s → exit %i', (status, code, exitCode, message) => {
    const error = refusalError(new ApiRefusal(status, code, 'token expired'), 'approve', 't-1');
    expect(error).toMatchObject({ exitCode, message });
  });
});
