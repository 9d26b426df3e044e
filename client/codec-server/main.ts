import { Command } from 'commander';
import { programLogger } from '../../common/logging/program-logger';
import { describePayloadCodec, loadPayloadCodecConfig } from '../../common/codec-keys';
import { ConfigError } from '../../common/config';
import { AesGcmPayloadCodec } from '../../common/payload-codec';
import { buildCodecServer } from './codec-server';
import { DEFAULT_CODEC_SERVER_PORT } from '../../common/codec-server-port';
import { DEFAULT_WEB_UI_ORIGIN, loadCodecServerConfig } from './codec-server-config';

interface Options {
  port?: string;
  host?: string;
  corsOrigin?: string;
  namespace?: string;
}

new Command('codec-server')
  .description(
    'The remote payload codec: decrypts (POST /decode) and encrypts (POST /encode) Temporal payloads with the ' +
      'keys of PAYLOAD_CODEC_KEYS, so the Temporal Web UI and `temporal --codec-endpoint` show readable values. ' +
      'The local stack starts the Web UI pointed at it; GET /healthz answers while it runs.',
  )
  .option('-p, --port <port>', `port to listen on (CODEC_SERVER_PORT, default ${DEFAULT_CODEC_SERVER_PORT})`)
  .option('--host <host>', 'address to listen on (CODEC_SERVER_HOST, default localhost: loopback only)')
  .option(
    '--cors-origin <origins>',
    `Web UI origins allowed to call it, comma-separated (CODEC_SERVER_CORS_ORIGINS, default ${DEFAULT_WEB_UI_ORIGIN})`,
  )
  .option(
    '--namespace <namespaces>',
    'namespaces served, comma-separated, or * (CODEC_SERVER_NAMESPACES, default TEMPORAL_NAMESPACE or default)',
  )
  .addHelpText(
    'after',
    `
Environment:
  PAYLOAD_CODEC_KEYS        keyId:base64key,... (32-byte keys; the first encrypts, all decrypt)
  PAYLOAD_CODEC_KEYS_FILE   a file of such entries, by comma or line (default: the local stack's key file)
  CODEC_SERVER_TOKEN        when set, /encode and /decode need Authorization: Bearer <token> (32+ characters)
  LOG_LEVEL                 trace|debug|info|warn|error|fatal|silent (default info; docs/logging.md)

Examples:
  npm run codec-server
  npm run codec-server -- --port 8091 --cors-origin http://localhost:8233,https://temporal.example.com
  temporal workflow show -w <workflowId> --codec-endpoint http://localhost:${DEFAULT_CODEC_SERVER_PORT}`,
  )
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async (options: Options) => {
    const codecConfig = loadPayloadCodecConfig();
    if (!codecConfig.enabled) {
      throw new ConfigError([
        'PAYLOAD_CODEC is off, so there are no keys to decode with: unset it to run the codec server',
      ]);
    }
    const config = loadCodecServerConfig({
      ...process.env,
      ...(options.port !== undefined && { CODEC_SERVER_PORT: options.port }),
      ...(options.host !== undefined && { CODEC_SERVER_HOST: options.host }),
      ...(options.corsOrigin !== undefined && { CODEC_SERVER_CORS_ORIGINS: options.corsOrigin }),
      ...(options.namespace !== undefined && { CODEC_SERVER_NAMESPACES: options.namespace }),
    });
    const logger = programLogger('codec-server');
    const app = buildCodecServer({ codec: new AesGcmPayloadCodec(codecConfig.keys), config, logger });
    await app.listen({ port: config.port, host: config.host });
    logger.info(
      {
        url: `http://${config.host}:${config.port}`,
        corsOrigins: config.corsOrigins,
        namespaces: config.namespaces ?? '*',
        token: config.token ? 'required' : 'off',
      },
      `codec server listening; ${describePayloadCodec(codecConfig)}`,
    );
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'stopping');
      void app.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  })
  .parseAsync()
  .catch((error: unknown) => {
    const usage = error instanceof ConfigError;
    // At the default level: a LOG_LEVEL the logger refused is one of the errors this line reports.
    programLogger('codec-server', {}).fatal(usage ? {} : { err: error }, `codec-server: ${(error as Error).message}`);
    process.exit(usage ? 2 : 1);
  });
