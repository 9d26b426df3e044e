import fs from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { DataConverter, Duration } from '@temporalio/common';
import { describePayloadCodec, loadPayloadCodecConfig } from './codec-keys';
import { ConfigError, TEMPORAL_TLS_VARIABLES, type Config } from './config';
import { dataConverter } from './data-converter';

/**
 * The one way every program reaches Temporal: where (address, namespace), how (TLS, mTLS, API key, for a real
 * cluster or Temporal Cloud) and with which payload codec. Clients, workers, the bridge, the CLI, the demo, the
 * benchmarks and the test harnesses all start here, so none of them can connect without the codec or the
 * credentials the others use. Files are read, and checked, when the access is built: before any connection, so
 * that a wrong path stops the program with exit code 2 and the variable's name. The API key never appears in an
 * error or a description.
 */

export type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_API_KEY_FILE'
>;

/** What `Connection.connect` (clients) and `NativeConnection.connect` (workers) both accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

export interface TemporalAccess {
  connection: TemporalConnectionOptions;
  namespace: string;
  /** For `new Client`, `Worker.create` and the workflow bundle (its `failureConverterPath`). */
  dataConverter: DataConverter;
  /** One line for start-up logs: address, namespace, TLS, where the API key comes from, the codec's key id. */
  description: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Reads the files the variables name, collecting every problem, so that one run reports them all. */
class FileReader {
  readonly problems: string[] = [];

  read(variable: string, file: string): Buffer | undefined {
    try {
      return fs.readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problems.push(
        `${variable} names ${file}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      );
      return undefined;
    }
  }

  /** The contents are never quoted: a key file's bytes are secret. */
  pem(variable: string, file: string, marker: RegExp, what: string): Buffer | undefined {
    const contents = this.read(variable, file);
    if (contents && !marker.test(contents.toString('latin1'))) {
      this.problems.push(`${variable} names ${file}, which holds no ${what} in PEM`);
      return undefined;
    }
    return contents;
  }

  /** PEM given inline (envconfig's `*_DATA`) or in a file: the schema lets at most one of them through. */
  pemFrom(
    [fileVariable, file]: [string, string | undefined],
    [dataVariable, data]: [string, string | undefined],
    marker: RegExp,
    what: string,
  ): Buffer | undefined {
    if (file) return this.pem(fileVariable, file, marker, what);
    if (data === undefined) return undefined;
    if (!marker.test(data)) {
      this.problems.push(`${dataVariable} holds no ${what} in PEM`);
      return undefined;
    }
    return Buffer.from(data, 'utf8');
  }
}

function tlsConfig(config: TemporalConfig, files: FileReader): TLSConfig | undefined {
  // An API key implies TLS: Temporal Cloud refuses it in plaintext, and it must not cross the network readable.
  const wanted = config.TEMPORAL_TLS ?? TEMPORAL_TLS_VARIABLES.some((variable) => config[variable] !== undefined);
  if (!wanted) return undefined;
  const tls: TLSConfig = {};
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  const ca = files.pemFrom(
    ['TEMPORAL_TLS_CA_FILE', config.TEMPORAL_TLS_CA_FILE],
    ['TEMPORAL_TLS_SERVER_CA_CERT_DATA', config.TEMPORAL_TLS_SERVER_CA_CERT_DATA],
    PEM_CERTIFICATE,
    'certificate',
  );
  if (ca) tls.serverRootCACertificate = ca;
  // The schema lets only both or neither through.
  const crt = files.pemFrom(
    ['TEMPORAL_TLS_CERT_FILE', config.TEMPORAL_TLS_CERT_FILE],
    ['TEMPORAL_TLS_CLIENT_CERT_DATA', config.TEMPORAL_TLS_CLIENT_CERT_DATA],
    PEM_CERTIFICATE,
    'certificate',
  );
  const key = files.pemFrom(
    ['TEMPORAL_TLS_KEY_FILE', config.TEMPORAL_TLS_KEY_FILE],
    ['TEMPORAL_TLS_CLIENT_KEY_DATA', config.TEMPORAL_TLS_CLIENT_KEY_DATA],
    PEM_PRIVATE_KEY,
    'private key',
  );
  if (crt && key) tls.clientCertPair = { crt, key };
  return tls;
}

function apiKey(config: TemporalConfig, files: FileReader): string | undefined {
  if (!config.TEMPORAL_API_KEY_FILE) return config.TEMPORAL_API_KEY;
  const key = files.read('TEMPORAL_API_KEY_FILE', config.TEMPORAL_API_KEY_FILE)?.toString('utf8').trim();
  if (key === undefined) return undefined;
  if (!/^\S+$/.test(key)) {
    files.problems.push(
      `TEMPORAL_API_KEY_FILE names ${config.TEMPORAL_API_KEY_FILE}, which ${
        key === '' ? 'is empty' : 'holds more than one token: put only the API key in it'
      }`,
    );
    return undefined;
  }
  return key;
}

/** The connection options the configuration describes, with its files read; a ConfigError lists every problem. */
export function temporalConnectionOptions(config: TemporalConfig): TemporalConnectionOptions {
  const files = new FileReader();
  const tls = tlsConfig(config, files);
  const key = apiKey(config, files);
  if (files.problems.length > 0) throw new ConfigError(files.problems);
  return { address: config.TEMPORAL_ADDRESS, ...(tls && { tls }), ...(key && { apiKey: key }) };
}

function describeConnection(config: TemporalConfig, options: TemporalConnectionOptions): string {
  const tls = options.tls
    ? [
        'TLS',
        options.tls.serverRootCACertificate &&
          `CA ${config.TEMPORAL_TLS_CA_FILE ?? 'from TEMPORAL_TLS_SERVER_CA_CERT_DATA'}`,
        options.tls.clientCertPair &&
          `client certificate ${config.TEMPORAL_TLS_CERT_FILE ?? 'from TEMPORAL_TLS_CLIENT_CERT_DATA'}`,
        options.tls.serverNameOverride && `server name ${options.tls.serverNameOverride}`,
      ]
        .filter(Boolean)
        .join(', ')
    : 'plaintext';
  const key = options.apiKey ? `, API key from ${config.TEMPORAL_API_KEY_FILE ?? 'TEMPORAL_API_KEY'}` : '';
  return `Temporal ${options.address}, namespace ${config.TEMPORAL_NAMESPACE} (${tls}${key})`;
}

/** Everything needed to reach Temporal, checked; throws a ConfigError naming each variable that is wrong. */
export function temporalAccess(config: TemporalConfig, env: NodeJS.ProcessEnv = process.env): TemporalAccess {
  const problems: string[] = [];
  const attempt = <T>(build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const connection = attempt(() => temporalConnectionOptions(config));
  const codec = attempt(() => loadPayloadCodecConfig(env));
  if (!connection || !codec) throw new ConfigError(problems);
  return {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverter(codec),
    description: `${describeConnection(config, connection)}; ${describePayloadCodec(codec)}`,
  };
}

/**
 * A client with the access's codec; `client.connection.close()` ends it. What it starts or signals continues the
 * caller's active trace (the bridge's message span, the API's request span) in a header the workflow reads; without
 * tracing (common/telemetry/tracing.ts) its spans go nowhere and the header is empty.
 */
export async function connectTemporalClient(
  access: TemporalAccess,
  options: { connectTimeout?: Duration } = {},
): Promise<Client> {
  const connection = await Connection.connect({ ...access.connection, ...options });
  return new Client({
    connection,
    namespace: access.namespace,
    dataConverter: access.dataConverter,
    interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
  });
}
