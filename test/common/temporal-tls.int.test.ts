import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../common/config';
import { temporalConnectionOptions } from '../../common/temporal-connection';

/**
 * Needs the local stack's Temporal server (plaintext on TEMPORAL_ADDRESS) and the openssl command. The server is put
 * behind a TLS proxy of the test's own that requires a client certificate from a private CA, as a real cluster
 * does: clients and workers connect with the options TEMPORAL_TLS_CA_FILE, TEMPORAL_TLS_CERT_FILE,
 * TEMPORAL_TLS_KEY_FILE and TEMPORAL_TLS_SERVER_NAME describe, and are refused without a client certificate or
 * under another server name.
 */

const SERVER_NAME = 'temporal.tls-test';
const upstream = loadConfig().TEMPORAL_ADDRESS;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
const at = (name: string) => path.join(dir, name);

/** Runs openssl in the test's directory; arguments are split on spaces (none of ours holds one). */
function openssl(command: string): void {
  execFileSync('openssl', command.split(' '), { cwd: dir, stdio: 'pipe' });
}

/** A new P-256 key, unencrypted, written to `<name>.key`. */
const newKey = (name: string) => `-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ${name}.key`;

/** A certificate the test CA signs for `name`, with the given extensions. */
function issue(name: string, extensions: string): void {
  fs.writeFileSync(at(`${name}.ext`), extensions);
  openssl(`req -new ${newKey(name)} -subj /CN=${name} -out ${name}.csr`);
  openssl(
    `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile ${name}.ext -out ${name}.pem`,
  );
}

let proxy: tls.Server;
let address: string;
const refusals: string[] = [];

beforeAll(async () => {
  openssl(`req -x509 ${newKey('ca')} -subj /CN=test-ca -days 1 -out ca.pem`);
  issue('server', `subjectAltName=DNS:${SERVER_NAME}\nextendedKeyUsage=serverAuth\n`);
  issue('worker', 'subjectAltName=DNS:tenant-deletion-worker\nextendedKeyUsage=clientAuth\n');

  // TLS in front, gRPC's HTTP/2 passed through unchanged to the plaintext server.
  proxy = tls.createServer(
    {
      key: fs.readFileSync(at('server.key')),
      cert: fs.readFileSync(at('server.pem')),
      ca: fs.readFileSync(at('ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const [host, port] = upstream.split(':');
      const backend = net.connect({ host, port: Number(port) });
      socket.pipe(backend).pipe(socket);
      socket.on('error', () => backend.destroy());
      backend.on('error', () => socket.destroy());
    },
  );
  proxy.on('tlsClientError', (error) => refusals.push(error.message));
  await new Promise<void>((resolve) => proxy.listen(0, 'localhost', resolve));
  address = `localhost:${(proxy.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  if (proxy) await new Promise((resolve) => proxy.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

function options(env: NodeJS.ProcessEnv) {
  return temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: address, ...env }));
}

const mtls = () => ({
  TEMPORAL_TLS_CA_FILE: at('ca.pem'),
  TEMPORAL_TLS_CERT_FILE: at('worker.pem'),
  TEMPORAL_TLS_KEY_FILE: at('worker.key'),
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
});

/** The namespace the server behind the proxy describes over this connection, which is then closed. */
async function servedNamespace(connection: Connection | NativeConnection): Promise<string | null | undefined> {
  try {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
    return namespaceInfo?.name;
  } finally {
    await connection.close();
  }
}

describe('Temporal behind mutual TLS', () => {
  it('serves a client (Connection) with the configured CA, certificate, key and server name', async () => {
    expect(await servedNamespace(await Connection.connect({ ...options(mtls()), connectTimeout: '10s' }))).toBe(
      'default',
    );
  });

  it('serves a worker connection (NativeConnection) with the same options', async () => {
    expect(await servedNamespace(await NativeConnection.connect(options(mtls())))).toBe('default');
  });

  it('refuses a client without a certificate', async () => {
    const { TEMPORAL_TLS_CA_FILE, TEMPORAL_TLS_SERVER_NAME } = mtls();
    refusals.length = 0;
    await expect(
      Connection.connect({
        ...options({ TEMPORAL_TLS_CA_FILE, TEMPORAL_TLS_SERVER_NAME }),
        connectTimeout: '3s',
      }).then((connection) => connection.close()),
    ).rejects.toThrow(/Failed to connect/);
    expect(refusals.join('\n')).toMatch(/certificate/i);
  });

  it('refuses a server whose certificate does not carry TEMPORAL_TLS_SERVER_NAME', async () => {
    await expect(
      Connection.connect({
        ...options({ ...mtls(), TEMPORAL_TLS_SERVER_NAME: 'other.tls-test' }),
        connectTimeout: '3s',
      }).then((connection) => connection.close()),
    ).rejects.toThrow(/Failed to connect/);
  });
});
