import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  CHART_DIR,
  describeValues,
  helmLint,
  helmTemplate,
  kubeconform,
  valuesFiles,
  type Tools,
  type ValuesFile,
} from '../../scripts/deploy/chart-validation';
import { PROGRAMS } from '../../scripts/build/programs';
import { deployTools } from '../../scripts/deploy/deploy-tools';
import { variablesRead } from '../compose/compose-file';

/**
 * The Helm chart rendered by the real helm (v3, built with go install) and validated by the real kubeconform
 * against Kubernetes' schemas; the properties a production install relies on are read off the manifests.
 */

interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each kind's spec differs; read as JSON
  data?: Record<string, string>;
}

const PRODUCTION = path.join(CHART_DIR, 'ci', 'production-values.yaml');
const REPO = path.resolve(__dirname, '../..');

let tools: Tools;
const rendered = new Map<string, Manifest[]>();

function render(values: ValuesFile, extra: string[] = []): Manifest[] {
  const key = `${values ?? ''}|${extra.join(' ')}`;
  if (!rendered.has(key)) {
    const text = helmTemplate(tools, values, extra);
    rendered.set(
      key,
      parseAllDocuments(text)
        .map((document) => document.toJSON() as Manifest | null)
        .filter((manifest): manifest is Manifest => manifest !== null),
    );
  }
  return rendered.get(key)!;
}

const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const deployments = (manifests: Manifest[]) => ofKind(manifests, 'Deployment');
const workerDeployments = (manifests: Manifest[]) =>
  deployments(manifests).filter((deployment) => deployment.metadata.labels?.['tenant-deletion/worker-group']);
const podSpecs = (manifests: Manifest[]) =>
  [...deployments(manifests), ...ofKind(manifests, 'Job')].map((workload) => workload.spec.template.spec);
const componentOf = (deployment: Manifest) => deployment.metadata.labels!['app.kubernetes.io/component'];
const envNames = (deployment: Manifest): string[] =>
  deployment.spec.template.spec.containers.flatMap((container: { env?: { name: string }[] }) =>
    (container.env ?? []).map((variable) => variable.name),
  );
const secretsMounted = (deployment: Manifest): string[] =>
  (deployment.spec.template.spec.volumes ?? [])
    .filter((volume: { secret?: unknown }) => volume.secret)
    .map((volume: { secret: { secretName: string } }) => volume.secret.secretName);

beforeAll(() => {
  tools = deployTools();
}, 1_800_000);

describe.each(valuesFiles())('with %s', (values) => {
  it('passes helm lint --strict', () => {
    const lint = helmLint(tools, values);
    expect({ values: describeValues(values), status: lint.status, output: lint.output }).toMatchObject({ status: 0 });
  });

  it('renders manifests that kubeconform -strict accepts', () => {
    const validation = kubeconform(tools, helmTemplate(tools, values));
    expect({ status: validation.status, output: validation.output }).toMatchObject({ status: 0 });
    expect(validation.output).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it('runs every pod as non-root, read-only, without capabilities, under the runtime seccomp profile', () => {
    const specs = podSpecs(render(values));
    expect(specs.length).toBeGreaterThan(3);
    for (const spec of specs) {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything() }));
        expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.anything() }));
      }
    }
  });

  it('gives every long-running container liveness and readiness probes, and every Deployment a PDB', () => {
    const manifests = render(values);
    const budgets = ofKind(manifests, 'PodDisruptionBudget');
    for (const deployment of deployments(manifests)) {
      for (const container of deployment.spec.template.spec.containers) {
        expect({ deployment: deployment.metadata.name, liveness: container.livenessProbe?.httpGet?.path }).toEqual({
          deployment: deployment.metadata.name,
          liveness: expect.stringMatching(/^\/(livez|healthz)$/),
        });
        expect(container.readinessProbe?.httpGet?.path).toMatch(/^\/(readyz|healthz)$/);
      }
      const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
      const covering = budgets.filter((budget) =>
        Object.entries(budget.spec.selector.matchLabels as Record<string, string>).every(
          ([label, value]) => podLabels[label] === value,
        ),
      );
      expect({ deployment: deployment.metadata.name, budgets: covering.length }).toEqual({
        deployment: deployment.metadata.name,
        budgets: 1,
      });
    }
  });

  it('starts each program with plain node on a file that npm run build makes', () => {
    const built = PROGRAMS.map((program) => `dist/${program.entry.replace(/\.ts$/, '.js')}`);
    for (const spec of podSpecs(render(values))) {
      for (const container of spec.containers) {
        // The image's entrypoint (tini) stays: the chart sets args, never command.
        expect(container.command).toBeUndefined();
        const [node, entry] = container.args as string[];
        expect(node).toBe('node');
        expect(entry).toMatch(/^dist\/.+\.js$/);
        expect(built).toContain(entry);
      }
    }
  });
});

describe('the environment', () => {
  /** Read by every program through pino, outside the config schemas. */
  const LOGGING = ['LOG_LEVEL'];

  it.each([undefined, PRODUCTION])('sets only variables each program reads (%s)', (file) => {
    const manifests = render(file);
    for (const spec of podSpecs(manifests)) {
      for (const container of spec.containers) {
        const program = (container.args as string[])[1];
        const known = new Set([...variablesRead(program), ...LOGGING]);
        const unknown = ((container.env ?? []) as { name: string }[])
          .map((variable) => variable.name)
          .filter((name) => !known.has(name));
        expect({ program, unknown }).toEqual({ program, unknown: [] });
      }
    }
  });

  it.each([undefined, PRODUCTION])('shares through its ConfigMap only variables some program reads (%s)', (file) => {
    const manifests = render(file);
    const shared = ofKind(manifests, 'ConfigMap').find((map) => map.data?.TEMPORAL_ADDRESS)!;
    const readers = deployments(manifests).filter((deployment) =>
      deployment.spec.template.spec.containers.some((container: { envFrom?: unknown[] }) => container.envFrom),
    );
    const read = new Set([
      ...LOGGING,
      ...readers.flatMap((deployment) => [...variablesRead(deployment.spec.template.spec.containers[0].args[1])]),
    ]);
    expect(Object.keys(shared.data!).filter((name) => !read.has(name))).toEqual([]);
  });
});

describe('worker groups', () => {
  it('make one Deployment per group of the worker config, each with its own replicas', () => {
    const config = JSON.parse(fs.readFileSync(path.join(REPO, 'workers/worker-config.json'), 'utf8')) as {
      groups: Record<string, unknown>;
    };
    const workers = workerDeployments(render(undefined));
    const replicas = Object.fromEntries(
      workers.map((deployment) => [
        deployment.metadata.labels!['tenant-deletion/worker-group'],
        deployment.spec.replicas,
      ]),
    );
    expect(Object.keys(replicas).sort()).toEqual(Object.keys(config.groups).sort());
    expect(replicas).toEqual({ orchestration: 2, fleet: 3, slow: 1 });
    for (const deployment of workers) {
      const group = deployment.metadata.labels!['tenant-deletion/worker-group'];
      expect(deployment.spec.template.spec.containers[0].args).toEqual([
        'node',
        'dist/workers/main.js',
        '--config',
        '/etc/tenant-deletion/worker-config/worker-config.json',
        '--group',
        group,
      ]);
    }
  });

  it("ship the repository's worker config by default", () => {
    const configMap = ofKind(render(undefined), 'ConfigMap').find((map) => map.data?.['worker-config.json']);
    expect(JSON.parse(configMap!.data!['worker-config.json'])).toEqual(
      JSON.parse(fs.readFileSync(path.join(REPO, 'workers/worker-config.json'), 'utf8')),
    );
  });

  it('scale one group without touching the others', () => {
    const scaled = workerDeployments(render(undefined, ['--set', 'workers.groups.fleet.replicas=7']));
    const replicas = Object.fromEntries(
      scaled.map((deployment) => [
        deployment.metadata.labels!['tenant-deletion/worker-group'],
        deployment.spec.replicas,
      ]),
    );
    expect(replicas).toEqual({ orchestration: 2, fleet: 7, slow: 1 });
  });

  it('run each version beside the previous ones, every worker told its deployment name and build id', () => {
    const workers = workerDeployments(render(PRODUCTION));
    expect(workers).toHaveLength(5 * 2);
    const versions = workers.map((deployment) => {
      const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      const value = (name: string) => env.find((variable) => variable.name === name)?.value;
      return {
        group: deployment.metadata.labels!['tenant-deletion/worker-group'],
        deploymentName: value('TEMPORAL_WORKER_DEPLOYMENT_NAME'),
        buildId: value('TEMPORAL_WORKER_BUILD_ID'),
        image: deployment.spec.template.spec.containers[0].image as string,
        replicas: deployment.spec.replicas as number,
      };
    });
    expect(versions.filter((version) => version.buildId === '1.3.2').every((version) => version.replicas === 1)).toBe(
      true,
    );
    expect(versions.find((version) => version.group === 'commerce' && version.buildId === '1.4.0')).toEqual({
      group: 'commerce',
      deploymentName: 'tenant-deletion',
      buildId: '1.4.0',
      image: 'registry.example.com/platform/tenant-deletion:1.4.0',
      replicas: 6,
    });
    expect(versions.find((version) => version.group === 'commerce' && version.buildId === '1.3.2')?.image).toBe(
      'registry.example.com/platform/tenant-deletion:1.3.2',
    );
  });

  it('default the build id to the image tag', () => {
    const [worker] = workerDeployments(render(undefined, ['--set', 'image.tag=2.0.1']));
    const env = worker.spec.template.spec.containers[0].env as { name: string; value?: string }[];
    expect(env.find((variable) => variable.name === 'TEMPORAL_WORKER_BUILD_ID')?.value).toBe('2.0.1');
  });

  it('refuse a group the worker config does not have, naming it', () => {
    expect(() => render(undefined, ['--set', 'workers.groups.nosuch.replicas=1'])).toThrow(
      /workerConfig\.groups has no group "nosuch"/,
    );
  });
});

describe('keys', () => {
  const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-chart-keys-'));
  const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const values: Record<string, string> = {
    databaseUrl: `postgres://tdel:${randomBytes(12).toString('hex')}@db:5432/tenant_deletion`,
    payloadCodecKeys: `k1:${randomBytes(32).toString('base64')}`,
    serviceTokenSigningKey: pem(),
    readerTokenSigningKey: pem(),
    certificateSigningKey: pem(),
  };
  const setFiles = Object.entries(values).flatMap(([name, value]) => {
    const file = path.join(secretDir, name);
    fs.writeFileSync(file, value);
    return ['--set-file', `secrets.${name}.value=${file}`];
  });
  afterAll(() => fs.rmSync(secretDir, { recursive: true, force: true }));

  it('given as values, land in Secrets and never in a ConfigMap', () => {
    const manifests = render(undefined, setFiles);
    const configMaps = JSON.stringify(ofKind(manifests, 'ConfigMap'));
    const secrets = ofKind(manifests, 'Secret');
    const keyBody = (value: string) => value.split('\n').find((line) => line && !line.startsWith('-----')) ?? value;
    for (const value of Object.values(values)) {
      expect(configMaps).not.toContain(keyBody(value));
      const base64 = Buffer.from(value).toString('base64');
      expect(secrets.some((secret) => Object.values(secret.data ?? {}).includes(base64))).toBe(true);
    }
    expect(configMaps).not.toMatch(/PASSWORD|API_KEY"|DATABASE_URL/);
    expect(kubeconform(tools, helmTemplate(tools, undefined, setFiles)).status).toBe(0);
  });

  it.each([undefined, PRODUCTION])('go to the orchestration group alone for certificates (%s)', (file) => {
    const manifests = render(file);
    // The chart's default Secret name and the production values' existingSecret happen to be the same.
    const certificateSecret = 'tenant-deletion-certificate-key';
    for (const deployment of deployments(manifests)) {
      const orchestration = deployment.metadata.labels?.['tenant-deletion/worker-group'] === 'orchestration';
      expect({
        name: deployment.metadata.name,
        env: envNames(deployment).includes('CERTIFICATE_SIGNING_KEY_FILE'),
      }).toEqual({
        name: deployment.metadata.name,
        env: orchestration,
      });
      expect(secretsMounted(deployment).includes(certificateSecret)).toBe(orchestration);
    }
  });

  it.each([undefined, PRODUCTION])("keep the workers' service-token key from the bridge and the API (%s)", (file) => {
    const manifests = render(file);
    const serviceKey = 'tenant-deletion-service-token-key';
    const readerKey = 'tenant-deletion-reader-token-key';
    for (const deployment of deployments(manifests)) {
      const component = componentOf(deployment);
      const worker = component.startsWith('worker-');
      expect({ component, serviceKey: secretsMounted(deployment).includes(serviceKey) }).toEqual({
        component,
        serviceKey: worker,
      });
      expect(envNames(deployment).includes('SERVICE_TOKEN_SIGNING_KEY_FILE')).toBe(worker);
      expect(secretsMounted(deployment).includes(readerKey)).toBe(component === 'bridge' || component === 'api');
    }
  });

  it("read Temporal Cloud's API key and client certificate and Kafka's SASL password from Secrets", () => {
    const manifests = render(PRODUCTION);
    const bridge = deployments(manifests).find((deployment) => componentOf(deployment) === 'bridge')!;
    const env = bridge.spec.template.spec.containers[0].env as {
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef: { name: string } };
    }[];
    const byName = Object.fromEntries(env.map((variable) => [variable.name, variable]));
    expect(byName.KAFKA_SASL_PASSWORD.valueFrom?.secretKeyRef.name).toBe('kafka-sasl-credentials');
    expect(byName.DATABASE_URL.valueFrom?.secretKeyRef.name).toBe('tenant-deletion-db');
    expect(byName.TEMPORAL_API_KEY_FILE.value).toMatch(/^\/etc\/tenant-deletion\/secrets\/temporal-api-key\//);
    expect(byName.TEMPORAL_TLS_CERT_FILE.value).toBe('/etc/tenant-deletion/secrets/temporal-tls/tls.crt');
    expect(secretsMounted(bridge)).toEqual(
      expect.arrayContaining(['temporal-cloud-api-key', 'temporal-cloud-client-cert', 'tenant-deletion-codec-keys']),
    );
    const shared = ofKind(manifests, 'ConfigMap').find((map) => map.data?.KAFKA_BROKERS)!.data!;
    expect(shared).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', TEMPORAL_TLS: 'true' });
  });
});

describe('the migration', () => {
  it('runs as a Helm hook Job before install and upgrade', () => {
    const [job] = ofKind(render(undefined), 'Job');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].args).toEqual(['node', 'dist/db/cli.js', 'up']);
  });
});

describe('findings', () => {
  it('kubeconform -strict reports a field Kubernetes does not know and a wrong type, exiting non-zero', () => {
    const manifests = helmTemplate(tools, undefined)
      .replace('revisionHistoryLimit: 3', 'revisionHistoryLimit: 3\n  replica: 2')
      .replace('containerPort: 8090', 'containerPort: "8090"');
    const validation = kubeconform(tools, manifests);
    expect(validation.status).not.toBe(0);
    expect(validation.output).toMatch(/additional properties 'replica' not allowed/);
    expect(validation.output).toMatch(/containerPort': got string, want integer/);
  });

  it.each([
    [['--set', 'workers.groups.fleet.replica=2'], /additional properties 'replica' not allowed/],
    [['--set', 'kafka.saslMechanism=scram-sha-512'], /\/kafka\/saslSecret': minLength/],
    [['--set', 'kafka.saslMechanism=gssapi'], /\/kafka\/saslMechanism'/],
    [
      ['--set', 'workerVersioning.enabled=false', '--set', 'workerVersioning.previousVersions[0].buildId=0.0.9'],
      /\/workerVersioning\/previousVersions': maxItems/,
    ],
  ])("the chart's values schema refuses %j in helm lint and helm template", (args, message) => {
    const lint = helmLint(tools, undefined, args);
    expect(lint.status).not.toBe(0);
    expect(lint.output).toMatch(message);
    expect(() => helmTemplate(tools, undefined, args)).toThrow(message);
  });

  it('helm template refuses two versions that would share Deployment names', () => {
    expect(() =>
      helmTemplate(tools, undefined, ['--set', 'workerVersioning.previousVersions[0].buildId=0.1.0']),
    ).toThrow(/build ids "0.1.0" and "0.1.0" make the same Deployment names/);
  });
});

describe('npm run deploy:check', () => {
  it('exits 0 on the chart as committed, naming each rendering it validated', () => {
    const check = spawnSync('npx', ['tsx', path.join(REPO, 'scripts/deploy/check.ts')], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    for (const values of valuesFiles()) expect(check.stdout).toContain(`ok   ${describeValues(values)}`);
  }, 300_000);

  it('stops with exit 2 and says why when a tool cannot be installed', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tdel-no-tools-'));
    try {
      const check = spawnSync('npx', ['tsx', path.join(REPO, 'scripts/deploy/check.ts')], {
        cwd: REPO,
        encoding: 'utf8',
        // A fresh cache and module cache, and no module proxy: helm cannot be built.
        env: {
          ...process.env,
          TDEL_CACHE_DIR: path.join(empty, 'cache'),
          TDEL_STATE_DIR: path.join(empty, 'state'),
          GOMODCACHE: path.join(empty, 'mod'),
          GOPROXY: 'off',
        },
      });
      expect(check.status).toBe(2);
      expect(check.stderr).toMatch(
        /helm: go install helm\.sh\/helm\/v3\/cmd\/helm@v3\.22\.0 failed \(is the Go module proxy reachable/,
      );
      expect(check.stderr).toMatch(/log: .*deploy-tools\.log/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 120_000);
});
