import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseUrl, FLEET_INSTANCES } from '@tenant-deletion/example-fleet';
import { peerInstances, writeInstancesFile, type PeerInstance } from '../../bench/peers/airflow/instances-file';

/**
 * The Airflow peer's DAG file, loaded by plain python3 with a stand-in for the few Airflow names it uses (CI does
 * not install Airflow): the tasks and edges it declares for the instances file the bench writes.
 */

const DAG_FILE = path.join(__dirname, '..', '..', 'bench', 'peers', 'airflow', 'tenant_deletion_dag.py');

const STAND_IN = `
import json, os, runpy, sys, types
dag_file = sys.argv[1]
sys.path.insert(0, os.path.dirname(dag_file))
dags, tasks, edges = [], {}, []
class PythonOperator:
    def __init__(self, task_id, python_callable, op_kwargs):
        self.task_id = task_id
        tasks[task_id] = op_kwargs
    def __rshift__(self, other):
        edges.append([self.task_id, other.task_id])
        return other
class DAG:
    def __init__(self, **kwargs):
        dags.append({"dag_id": kwargs["dag_id"], "description": kwargs["description"],
                     "retries": kwargs["default_args"]["retries"]})
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
def module(name, **names):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__dict__.update(names)
for name in ["airflow", "airflow.providers", "airflow.providers.standard", "airflow.providers.standard.operators"]:
    module(name)
module("airflow.exceptions", AirflowFailException=Exception)
module("airflow.providers.standard.operators.python", PythonOperator=PythonOperator)
module("airflow.sdk", DAG=DAG)
module("airflow.sdk.log", mask_secret=lambda secret: None)
runpy.run_path(dag_file)
print(json.dumps({"dags": dags, "tasks": tasks, "edges": edges}))
`;

interface LoadedDag {
  dags: { dag_id: string; description: string; retries: number }[];
  tasks: Record<string, { instance: PeerInstance }>;
  edges: [upstream: string, downstream: string][];
}

function loadDag(instances: PeerInstance[]): { dag: LoadedDag; fingerprint: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airflow-home-'));
  try {
    const fingerprint = writeInstancesFile(home, instances);
    const run = spawnSync('python3', ['-c', STAND_IN, DAG_FILE], {
      encoding: 'utf8',
      env: { ...process.env, AIRFLOW_HOME: home, PYTHONDONTWRITEBYTECODE: '1' },
    });
    if (run.status !== 0) throw new Error(`python3 could not load the DAG: ${run.stderr}`);
    return { dag: JSON.parse(run.stdout) as LoadedDag, fingerprint };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const upstreamOf = (dag: LoadedDag, taskId: string) =>
  dag.edges
    .filter(([, downstream]) => downstream === taskId)
    .map(([upstream]) => upstream)
    .sort();

describe('the Airflow peer DAG over the bench fleet', () => {
  const instances = peerInstances(FLEET_INSTANCES, baseUrl);
  const { dag, fingerprint } = loadDag(instances);

  it('has one task per instance, each calling its instance at the bench fleet base URL', () => {
    expect(Object.keys(dag.tasks).sort()).toEqual(FLEET_INSTANCES.map((i) => i.serviceInstanceId).sort());
    for (const instance of FLEET_INSTANCES) {
      expect(dag.tasks[instance.serviceInstanceId].instance.baseUrl).toBe(baseUrl(instance));
    }
  });

  it('starts each instance once every instance depending on it is done, and waits for nothing else', () => {
    for (const instance of FLEET_INSTANCES) {
      const dependents = FLEET_INSTANCES.filter((other) => other.dependsOn.includes(instance.serviceInstanceId));
      expect([instance.serviceInstanceId, upstreamOf(dag, instance.serviceInstanceId)]).toEqual([
        instance.serviceInstanceId,
        dependents.map((other) => other.serviceInstanceId).sort(),
      ]);
    }
  });

  it('names the instances file it was parsed from, so the bench can wait for that version', () => {
    expect(dag.dags).toHaveLength(1);
    expect(dag.dags[0].dag_id).toBe('tenant_deletion');
    expect(dag.dags[0].description).toContain(fingerprint);
    expect(dag.dags[0].retries).toBe(3);
  });
});

describe('the Airflow peer DAG over another fleet', () => {
  it('follows the dependsOn of the file it reads, not the bench fleet', () => {
    const chain: PeerInstance[] = ['c', 'b', 'a'].map((id, i, ids) => ({
      id,
      serviceType: `type-${id}`,
      baseUrl: `http://localhost:9/${id}`,
      dependsOn: i > 0 ? [ids[i - 1]] : [],
    }));
    expect(loadDag(chain).dag.edges.sort()).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
  });
});
