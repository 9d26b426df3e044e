import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The Airflow peer's HTTP step (service_deletion.py), run by plain python3 against a service stand-in here: the
 * contract's DELETE, 202 polls to the result, and which failures Airflow should retry.
 */

const MODULE_DIR = path.join(__dirname, '..', '..', 'bench', 'peers', 'airflow');

const CALLER = `
import json, sys
from service_deletion import DeletionRefused, RetryableDeletionError, delete_tenant
try:
    print(json.dumps({"rows": delete_tenant(sys.argv[1], "t-1", "the-token", "the-key", "the-trace")}))
except RetryableDeletionError as error:
    print(json.dumps({"retryable": str(error)}))
except DeletionRefused as error:
    print(json.dumps({"refused": str(error)}))
`;

type Outcome = { rows?: number; retryable?: string; refused?: string };

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

async function deleteAgainst(answer: (seen: Seen[], response: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, headers: request.headers });
    answer(seen, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/orders`;
  try {
    const python = spawn('python3', ['-c', CALLER, base], {
      cwd: MODULE_DIR,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    python.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    python.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => python.on('close', resolve));
    if (code !== 0) throw new Error(`python3 failed: ${stderr}`);
    return { outcome: JSON.parse(stdout) as Outcome, seen };
  } finally {
    server.close();
  }
}

const json = (response: http.ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe("the Airflow peer's service deletion step", () => {
  it('follows 202 to the Location until the result, sending the token, key and trace on every call', async () => {
    const { outcome, seen } = await deleteAgainst((calls, response) => {
      if (calls.length < 3) response.writeHead(202, { location: '/api/v1/orders/deletions/job-1' }).end();
      else json(response, 200, { deleted_counts: { orders: 5, order_lines: 7 } });
    });
    expect(outcome).toEqual({ rows: 12 });
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'DELETE /api/v1/orders/tenant/t-1',
      'GET /api/v1/orders/deletions/job-1',
      'GET /api/v1/orders/deletions/job-1',
    ]);
    for (const { headers } of seen) {
      expect([headers.authorization, headers['idempotency-key'], headers['x-trace-id']]).toEqual([
        'Bearer the-token',
        'the-key',
        'the-trace',
      ]);
    }
  });

  it.each([429, 502, 503, 504])('leaves a %i to Airflow to retry', async (status) => {
    const { outcome } = await deleteAgainst((_calls, response) => json(response, status, { error: 'busy' }));
    expect(outcome.retryable).toContain(`answered ${status}`);
  });

  it.each([400, 401, 403, 404, 409, 422])('fails a %i at once: a retry would be refused the same', async (status) => {
    const { outcome } = await deleteAgainst((_calls, response) => json(response, status, { error: 'no' }));
    expect(outcome.refused).toContain(`with ${status}`);
  });
});
