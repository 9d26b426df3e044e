import { loadConfig } from '../../common/config';
import type { Component } from './component';
import { identityIssuerComponent } from './identity-issuer-component';
import { kafkaComponent } from './kafka';
import { stackPaths } from '../../common/stack-paths';
import { postgresComponent } from './postgres';
import { temporalComponent } from './temporal';

/** The local stack's servers, in the order they are reported. */
export function localStack(env: NodeJS.ProcessEnv = process.env): Component[] {
  const paths = stackPaths(env);
  const { DATABASE_URL } = loadConfig(env);
  return [
    temporalComponent(paths),
    kafkaComponent(paths),
    postgresComponent(paths, DATABASE_URL),
    identityIssuerComponent(paths, env),
  ];
}
