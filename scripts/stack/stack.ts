import { loadConfig } from '../../common/config';
import type { Component } from './component';
import { clusterStages } from './cluster/cluster-stack';
import type { Profile } from './cluster/profile';
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

/** A profile's components in start stages: the dev servers need no order, the cluster's do. */
export function stackStages(profile: Profile, env: NodeJS.ProcessEnv = process.env): Component[][] {
  return profile === 'cluster' ? clusterStages(env) : [localStack(env)];
}
