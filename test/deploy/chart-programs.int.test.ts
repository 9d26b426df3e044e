import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stackPaths } from '../../common/stack-paths';
import { helmTemplate, type Tools } from '../../scripts/deploy/chart-validation';
import { deployTools } from '../../scripts/deploy/deploy-tools';
import { answers, DistProcesses, ensureDist, freePort, waitUntil } from '../build/dist-process';
import { launch, type PodSpec, type Resource } from './pod-launch';

/**
 * The chart's pods, started here as plain `node dist/...` processes with exactly what the rendered manifests give
 * them (their ConfigMaps, their env, their Secrets mounted as files), pointed at the real local stack
 * (npm run stack:up: Temporal, Kafka, Postgres) and the local stack's keys. Each must pass its readiness probe:
 * the chart's variables and file layout are the ones the programs read. HOME is an empty directory, so no program
 * can fall back to the local stack's key files.
 */

interface Workload extends Resource {
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    template: {
      spec: PodSpec & {
        containers: (PodSpec['containers'][number] & {
          ports: { name: string; containerPort: number }[];
          readinessProbe: { httpGet: { path: string; port: string } };
        })[];
      };
    };
  };
}

const secrets = path.join(stackPaths().stateDir, 'secrets');
const processes = new DistProcesses();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-chart-pods-'));
let tools: Tools;
let resources: Workload[];

beforeAll(async () => {
  ensureDist();
  tools = deployTools();
  const [health, slowHealth, metrics, bridge, api, codec] = await Promise.all(Array.from({ length: 6 }, freePort));
  const unique = `chart-test-${process.pid}`;
  const set = {
    'temporal.address': 'localhost:7233',
    'kafka.brokers': 'localhost:9092',
    'secrets.databaseUrl.value': 'postgres://postgres@localhost:5432/tenant_deletion',
    'workers.healthPort': health,
    'workers.groups.slow.healthPort': slowHealth,
    'workerConfig.metricsPort': metrics,
    'bridge.port': bridge,
    'api.port': api,
    'codecServer.port': codec,
    // A version of its own, never made current: the dev server sends these workers no task of other tests.
    'workerVersioning.deploymentName': unique,
    // A consumer group of its own, starting at the topics' end.
    'bridge.groupId': unique,
  };
  const files = {
    'secrets.payloadCodecKeys.value': 'payload-codec-keys',
    'secrets.serviceTokenSigningKey.value': 'service-token-key.pem',
    'secrets.readerTokenSigningKey.value': 'reader-token-key.pem',
    'secrets.certificateSigningKey.value': 'certificate-signing-key.pem',
  };
  const text = helmTemplate(tools, undefined, [
    ...Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    ...Object.entries(files).flatMap(([key, file]) => ['--set-file', `${key}=${path.join(secrets, file)}`]),
  ]);
  resources = parseAllDocuments(text)
    .map((document) => document.toJSON() as Workload | null)
    .filter((resource): resource is Workload => resource !== null);
}, 1_800_000);

afterAll(() => {
  processes.stopAll();
  fs.rmSync(root, { recursive: true, force: true });
});

const component = (name: string) =>
  resources.find(
    (resource) => resource.kind === 'Deployment' && resource.metadata.labels?.['app.kubernetes.io/component'] === name,
  )!;

it.each(['worker-orchestration', 'worker-slow', 'bridge', 'api', 'codec-server'])(
  'the %s pod starts on what the chart gives it and passes its readiness probe',
  async (name) => {
    const workload = component(name);
    const pod = workload.spec.template.spec;
    const { argv, env } = launch(resources, pod, path.join(root, name));
    const home = fs.mkdtempSync(path.join(root, 'home-'));
    const running = processes.start([process.execPath, ...argv.slice(1)], {
      PATH: process.env.PATH,
      HOME: home,
      ...env,
    });
    const [container] = pod.containers;
    const probe = container.readinessProbe.httpGet;
    const port = container.ports.find((candidate) => candidate.name === probe.port)!.containerPort;
    await waitUntil(`${name} readiness`, () => answers(`http://127.0.0.1:${port}${probe.path}`), running, 120_000);
    process.kill(-running.child.pid!, 'SIGTERM');
    expect(await running.exited).toBe(0);
  },
  180_000,
);
