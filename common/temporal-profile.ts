import fs from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { ConfigError } from './config-error';

/**
 * Temporal's standard client configuration (`@temporalio/envconfig`, shared with the `temporal` CLI and every SDK):
 * a profile of the TOML file (`TEMPORAL_CONFIG_FILE`, else `~/.config/temporalio/temporal.toml`; `TEMPORAL_PROFILE`,
 * else `default`) and envconfig's own names for the TLS files. They fill the orchestrator's `TEMPORAL_*` variables,
 * which then go through the one schema in config.ts. Precedence, highest first: this project's variables, envconfig's
 * variable names, the profile, the defaults. Each setting is taken whole from one layer (a client certificate and
 * its key together), so that a profile never completes half of what the environment sets.
 */

/**
 * The settings a layer gives whole, each as the variables that carry it; `tls`: meaningless once TLS is explicitly
 * off, so a profile's are dropped with it.
 */
const SETTINGS: readonly { variables: readonly string[]; tls?: true }[] = [
  { variables: ['TEMPORAL_ADDRESS'] },
  { variables: ['TEMPORAL_NAMESPACE'] },
  { variables: ['TEMPORAL_API_KEY', 'TEMPORAL_API_KEY_FILE'] },
  { variables: ['TEMPORAL_TLS'] },
  { variables: ['TEMPORAL_TLS_SERVER_NAME'], tls: true },
  { variables: ['TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'], tls: true },
  {
    variables: [
      'TEMPORAL_TLS_CERT_FILE',
      'TEMPORAL_TLS_KEY_FILE',
      'TEMPORAL_TLS_CLIENT_CERT_DATA',
      'TEMPORAL_TLS_CLIENT_KEY_DATA',
    ],
    tls: true,
  },
];

/** envconfig's variable names for the files this project names `*_FILE`; this project's name wins when both are set. */
export const ENVCONFIG_FILE_ALIASES: Readonly<Record<string, string>> = {
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'TEMPORAL_TLS_CA_FILE',
  TEMPORAL_TLS_CLIENT_CERT_PATH: 'TEMPORAL_TLS_CERT_FILE',
  TEMPORAL_TLS_CLIENT_KEY_PATH: 'TEMPORAL_TLS_KEY_FILE',
};

type Variables = Record<string, string>;

function source(variables: Variables, file: string, data: string, value: ConfigDataSource | undefined): void {
  if (value === undefined) return;
  if ('path' in value) variables[file] = value.path;
  else variables[data] = typeof value.data === 'string' ? value.data : Buffer.from(value.data).toString('utf8');
}

/** A profile as this project's variables. */
function profileVariables(profile: ClientConfigProfile): Variables {
  const variables: Variables = {};
  if (profile.address) variables.TEMPORAL_ADDRESS = profile.address;
  if (profile.namespace) variables.TEMPORAL_NAMESPACE = profile.namespace;
  if (profile.apiKey) variables.TEMPORAL_API_KEY = profile.apiKey;
  const tls = profile.tls;
  if (tls) {
    // A `[profile.x.tls]` table turns TLS on unless it says `disabled = true`, as envconfig reads it.
    variables.TEMPORAL_TLS = tls.disabled === true ? 'false' : 'true';
    if (tls.serverName) variables.TEMPORAL_TLS_SERVER_NAME = tls.serverName;
    source(variables, 'TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA', tls.serverCACert);
    source(variables, 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_CLIENT_CERT_DATA', tls.clientCert);
    source(variables, 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_CLIENT_KEY_DATA', tls.clientKey);
  }
  return variables;
}

/** The profile the environment selects, read from its file; none when no file exists and none was named. */
function selectedProfile(env: Variables): ClientConfigProfile {
  const file = env.TEMPORAL_CONFIG_FILE;
  // envconfig reads a missing file as an empty one: a named file that is missing is a mistake worth stopping for.
  if (file !== undefined && !fs.existsSync(file)) {
    throw new ConfigError([`TEMPORAL_CONFIG_FILE names ${file}, which does not exist`]);
  }
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: env, disableEnv: true, configFileStrict: true });
  } catch (error) {
    const where = file ?? 'the default Temporal config file (~/.config/temporalio/temporal.toml)';
    const message = (error as Error).message;
    throw new ConfigError([
      /^Profile '/.test(message)
        ? `TEMPORAL_PROFILE ${env.TEMPORAL_PROFILE} names no profile of ${where}`
        : `TEMPORAL_CONFIG_FILE: ${where} cannot be used: ${message}`,
    ]);
  }
  // Headers that would silently not be sent (an auth header a proxy needs): refused rather than ignored.
  const metaVariables = Object.keys(env).filter((name) => name.startsWith('TEMPORAL_GRPC_META_'));
  if (metaVariables.length > 0 || (profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0)) {
    throw new ConfigError([
      `${metaVariables.join(', ') || "TEMPORAL_PROFILE: the profile's grpc_meta"}: gRPC metadata is not supported ` +
        'by the orchestrator; remove it',
    ]);
  }
  return profile;
}

/**
 * The environment with the selected profile and envconfig's variable names folded into this project's variables,
 * ready for the schema. Throws a ConfigError naming TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE when they are wrong.
 */
export function withTemporalProfile(env: Variables): Variables {
  const explicit: Variables = {};
  for (const [alias, name] of Object.entries(ENVCONFIG_FILE_ALIASES)) {
    if (env[alias] !== undefined) explicit[name] = env[alias];
  }
  Object.assign(explicit, env);
  const profile = profileVariables(selectedProfile(env));
  const tlsOff = explicit.TEMPORAL_TLS === 'false';
  const fromProfile: Variables = {};
  for (const { variables, tls } of SETTINGS) {
    if (variables.some((variable) => explicit[variable] !== undefined) || (tlsOff && tls)) continue;
    for (const variable of variables) if (profile[variable] !== undefined) fromProfile[variable] = profile[variable];
  }
  return { ...fromProfile, ...explicit };
}
