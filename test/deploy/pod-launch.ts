import fs from 'node:fs';
import path from 'node:path';

/**
 * What a pod of the rendered chart would see, laid out on this machine: its environment (the ConfigMaps it takes
 * with envFrom, its env entries, secretKeyRefs resolved from the rendered Secrets) and its mounted ConfigMaps and
 * Secrets written as files under `root`, every path under /etc/tenant-deletion moved there too.
 */

export interface Resource {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
}

interface KeyRef {
  name: string;
  key: string;
}

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
}

export interface Container {
  args: string[];
  env?: EnvEntry[];
  envFrom?: { configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string }[];
}

interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  configMap?: { name: string };
  emptyDir?: object;
}

export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
}

export interface Launch {
  argv: string[];
  env: Record<string, string>;
}

const MOUNT_ROOT = '/etc/tenant-deletion';

function find(resources: Resource[], kind: string, name: string): Record<string, string> {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) throw new Error(`the chart rendered no ${kind} ${name}, which a pod uses`);
  return found.data ?? {};
}

const secretValue = (resources: Resource[], ref: KeyRef) =>
  Buffer.from(find(resources, 'Secret', ref.name)[ref.key] ?? '', 'base64').toString('utf8');

export function launch(resources: Resource[], pod: PodSpec, root: string): Launch {
  const [container] = pod.containers;
  const moved = (value: string) => value.replaceAll(MOUNT_ROOT, path.join(root, MOUNT_ROOT));
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes!.find((candidate) => candidate.name === mount.name)!;
    const dir = path.join(root, mount.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    if (volume.secret) {
      const data = find(resources, 'Secret', volume.secret.secretName);
      for (const item of volume.secret.items ?? []) {
        fs.writeFileSync(path.join(dir, item.path), Buffer.from(data[item.key], 'base64'), { mode: 0o400 });
      }
    }
    if (volume.configMap) {
      for (const [file, text] of Object.entries(find(resources, 'ConfigMap', volume.configMap.name))) {
        fs.writeFileSync(path.join(dir, file), text);
      }
    }
  }
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    Object.assign(env, find(resources, 'ConfigMap', source.configMapRef!.name));
  }
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    env[entry.name] = moved(ref ? secretValue(resources, ref) : (entry.value ?? ''));
  }
  return { argv: container.args.map(moved), env };
}
