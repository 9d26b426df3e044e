import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '@tenant-deletion/contract';
import {
  brokerAddresses,
  KAFKA_NODES,
  MIN_INSYNC_REPLICAS,
  nodeProperties,
} from '../../scripts/stack/cluster/kafka-cluster-config';
import { bridgePrograms, workerPrograms } from '../../scripts/stack/cluster/orchestrator-programs';
import { buildIdOf } from '../../scripts/stack/cluster/worker-deployment';
import { forgetProfile, profileConflict, recordedProfile, recordProfile } from '../../scripts/stack/cluster/profile';
import { serverDatabase } from '../../scripts/stack/cluster/temporal-server';
import {
  FRONTEND_PORT,
  temporalDynamicConfig,
  temporalServerConfig,
} from '../../scripts/stack/cluster/temporal-server-config';
import { temporalUiConfig } from '../../scripts/stack/cluster/temporal-ui';
import { stackPaths } from '../../common/stack-paths';
import { LOCAL_CODEC_ENDPOINT } from '../../scripts/stack/temporal';

const properties = (text: string) =>
  new Map(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );

describe('the stack profile recorded in the state directory', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-profile-'))));
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('is read back as written, and is gone once forgotten', () => {
    expect(recordedProfile(stateDir)).toBeUndefined();
    recordProfile(stateDir, 'cluster');
    expect(recordedProfile(stateDir)).toBe('cluster');
    forgetProfile(stateDir);
    expect(recordedProfile(stateDir)).toBeUndefined();
  });

  it('ignores a file holding something that is not a profile', () => {
    fs.writeFileSync(path.join(stateDir, 'profile'), 'production\n');
    expect(recordedProfile(stateDir)).toBeUndefined();
  });

  it('refuses to bring up one profile while the other runs, naming stack:down', () => {
    expect(profileConflict(undefined, 'cluster')).toBeUndefined();
    expect(profileConflict('cluster', 'cluster')).toBeUndefined();
    expect(profileConflict('dev', 'cluster')).toMatch(/dev profile.*npm run stack:down.*--profile cluster/);
    expect(profileConflict('cluster', 'dev')).toMatch(/cluster profile.*npm run stack:down.*`npm run stack:up`$/);
  });
});

describe("the Temporal server's config", () => {
  const database = serverDatabase('postgres://postgres@localhost:5432/tenant_deletion');

  it('logs in to the stack database server, by IP, on other databases than the orchestrator', () => {
    expect(database).toEqual({ host: '127.0.0.1', port: 5432, user: 'postgres', password: '' });
    const config = temporalServerConfig(database, '/state/dynamicconfig.yaml') as {
      persistence: {
        datastores: Record<string, { sql: { databaseName: string; connectAddr: string; pluginName: string } }>;
      };
    };
    const stores = Object.values(config.persistence.datastores).map((store) => store.sql);
    expect(stores.map((store) => store.databaseName).sort()).toEqual(['temporal', 'temporal_visibility']);
    expect(stores.every((store) => store.connectAddr === '127.0.0.1:5432' && store.pluginName === 'postgres12')).toBe(
      true,
    );
  });

  it('serves the frontend on the dev server port and reads the dynamic config file it is given', () => {
    const config = temporalServerConfig(database, '/state/dynamicconfig.yaml') as {
      services: { frontend: { rpc: { grpcPort: number } } };
      dynamicConfigClient: { filepath: string };
    };
    expect(config.services.frontend.rpc.grpcPort).toBe(FRONTEND_PORT);
    expect(FRONTEND_PORT).toBe(7233);
    expect(config.dynamicConfigClient.filepath).toBe('/state/dynamicconfig.yaml');
  });

  it('passes the password of a DATABASE_URL that has one', () => {
    expect(serverDatabase('postgres://app:s%40cret@db.internal:6543/x')).toEqual({
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: 's@cret',
    });
  });

  it("makes search attributes visible at once, as the dev server does, in the file client's shape", () => {
    expect(temporalDynamicConfig()['system.forceSearchAttributesCacheRefreshOnRead']).toEqual([
      { value: true, constraints: {} },
    ]);
  });

  it('points the Web UI at the frontend and the local codec server', () => {
    expect(temporalUiConfig()).toMatchObject({
      temporalGrpcAddress: '127.0.0.1:7233',
      port: 8233,
      codec: { endpoint: LOCAL_CODEC_ENDPOINT },
    });
  });

  it('has room for every contract search attribute (SQL visibility allows at most 10 Keyword ones)', () => {
    expect(Object.values(SEARCH_ATTRIBUTES).filter((type) => type === 'Keyword').length).toBeLessThanOrEqual(10);
  });
});

describe('the three-node Kafka cluster', () => {
  it('starts at the dev broker port and gives every node its own ports', () => {
    expect(brokerAddresses()[0]).toBe('localhost:9092');
    const ports = KAFKA_NODES.flatMap((node) => [node.brokerPort, node.controllerPort]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('makes every node a voter of one quorum, replicates internal topics three times, needs two in sync', () => {
    const nodes = KAFKA_NODES.map((node) => properties(nodeProperties(node, `/data/${node.id}`)));
    expect(new Set(nodes.map((node) => node.get('controller.quorum.voters'))).size).toBe(1);
    expect(nodes[0].get('controller.quorum.voters')).toBe('1@localhost:9093,2@localhost:9095,3@localhost:9097');
    expect(nodes.map((node) => node.get('node.id'))).toEqual(['1', '2', '3']);
    for (const node of nodes) {
      expect(node.get('offsets.topic.replication.factor')).toBe('3');
      expect(node.get('transaction.state.log.replication.factor')).toBe('3');
      expect(node.get('min.insync.replicas')).toBe(String(MIN_INSYNC_REPLICAS));
      expect(node.get('auto.create.topics.enable')).toBe('false');
      expect(node.get('unclean.leader.election.enable')).toBe('false');
    }
    expect(nodes[1].get('advertised.listeners')).toBe('PLAINTEXT://localhost:9094');
  });
});

describe("the cluster profile's own programs", () => {
  const version = { deploymentName: 'tenant-deletion', buildId: '0123456789ab-dirty' };

  it('runs one worker per group of the worker config, each on its own metrics and health ports', () => {
    const workers = workerPrograms(stackPaths(), version, {});
    expect(workers.map((worker) => worker.args?.[1])).toEqual(['orchestration', 'fleet', 'slow']);
    const ports = workers.flatMap((worker) => [worker.port, Number(worker.args![3]), Number(worker.args![5])]);
    expect(workers.every((worker) => worker.port === Number(worker.args![5]))).toBe(true);
    expect(new Set(ports).size).toBe(workers.length * 2);
    expect(ports).not.toContain(9464);
    expect(ports).not.toContain(9467);
  });

  it('starts every worker as the same Worker Deployment Version', () => {
    for (const worker of workerPrograms(stackPaths(), version, {})) {
      expect(worker.env).toEqual({
        TEMPORAL_WORKER_DEPLOYMENT_NAME: 'tenant-deletion',
        TEMPORAL_WORKER_BUILD_ID: '0123456789ab-dirty',
      });
    }
  });

  it("names the build after the checkout's commit", () => {
    expect(buildIdOf(stackPaths().repoDir)).toMatch(/^[0-9a-f]{12}(-dirty)?$/);
  });

  it('runs two bridges on distinct ports, neither the port `npm run bridge` takes by default', () => {
    const ports = bridgePrograms().map((bridge) => bridge.port);
    expect(ports).toHaveLength(2);
    expect(new Set(ports).size).toBe(2);
    expect(ports).not.toContain(9466);
  });
});
