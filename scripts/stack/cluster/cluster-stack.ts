import { loadConfig } from '../../../common/config';
import { stackPaths } from '../../../common/stack-paths';
import type { Component } from '../component';
import { identityIssuerComponent } from '../identity-issuer-component';
import { postgresComponent } from '../postgres';
import { kafkaClusterComponent } from './kafka-cluster';
import { nodeProgramComponent } from './node-program';
import { bridgePrograms, codecServerProgram, workerPrograms } from './orchestrator-programs';
import { temporalServerComponent } from './temporal-server';
import { temporalUiComponent } from './temporal-ui';
import { workerDeploymentComponent, workerVersion } from './worker-deployment';

/**
 * The cluster profile in start order: each stage needs the one before (Temporal's schemas need PostgreSQL, the
 * workers and bridges need Temporal and Kafka, the version is made current once its workers poll). A stage's components start together; a stop goes stage by stage
 * from the last.
 */
export function clusterStages(env: NodeJS.ProcessEnv = process.env): Component[][] {
  const paths = stackPaths(env);
  const { DATABASE_URL } = loadConfig(env);
  const version = workerVersion(paths);
  return [
    [postgresComponent(paths, DATABASE_URL), kafkaClusterComponent(paths), identityIssuerComponent(paths, env)],
    [temporalServerComponent(paths, DATABASE_URL)],
    [
      temporalUiComponent(paths),
      ...[codecServerProgram(), ...workerPrograms(paths, version, env), ...bridgePrograms()].map((program) =>
        nodeProgramComponent(paths, program),
      ),
    ],
    [workerDeploymentComponent(paths, version)],
  ];
}
