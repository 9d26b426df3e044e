import path from 'node:path';
import { serviceTaskQueue, serviceType } from '@tenant-deletion/contract';
import { readWorkerConfig } from '../../common/worker-config';

/**
 * Which service types some worker group serves. An instance whose type no group lists is deleted by nobody: its
 * child workflow's activity waits on `service-deletion.{type}` until a worker polls it, so the import refuses it.
 */

/** The workers' default: `workers/worker-config.json` in the repository (workers/main.ts finds it the same way). */
const DEFAULT_WORKER_CONFIG = path.resolve(__dirname, '../../workers/worker-config.json');

/** Rows shown per type in a message: a large file of one unserved type still gives a readable one. */
const ROWS_SHOWN = 10;

export interface ServedTypes {
  /** The config read, as an absolute path. */
  file: string;
  groups: string[];
  served: ReadonlySet<string>;
}

export interface UnservedType {
  serviceType: string;
  /** The rows (indexes in the file) that name it. */
  rows: number[];
}

/** The worker config the workers run with: WORKER_CONFIG (empty counts as unset), else the repository's. */
export function workerConfigFile(env: NodeJS.ProcessEnv): string {
  return env.WORKER_CONFIG ? path.resolve(env.WORKER_CONFIG) : DEFAULT_WORKER_CONFIG;
}

/** Reads the worker config; throws WorkerConfigError (naming the file) when it is missing or invalid. */
export function readServedTypes(file: string): ServedTypes {
  const config = readWorkerConfig(file);
  const groups = Object.keys(config.groups);
  return { file, groups, served: new Set(groups.flatMap((group) => config.groups[group].serviceTypes)) };
}

/** The well-formed service types the rows name that no group serves, in the order the file first names them. */
export function unservedServiceTypes(rows: readonly unknown[], served: ReadonlySet<string>): UnservedType[] {
  const byType = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const type = serviceType.safeParse(isRecord(row) ? row.serviceType : undefined);
    if (type.success && !served.has(type.data)) byType.set(type.data, [...(byType.get(type.data) ?? []), index]);
  });
  return [...byType].map(([type, indexes]) => ({ serviceType: type, rows: indexes }));
}

/** One line per unserved type: its rows, each with its tenant and instance, e.g. `billing: rows 3 (t-1/billing-1)`. */
export function unservedLines(unserved: readonly UnservedType[], rows: readonly unknown[]): string[] {
  return unserved.map(({ serviceType: type, rows: indexes }) => {
    const shown = indexes.slice(0, ROWS_SHOWN).map((index) => `${index} (${rowName(rows[index])})`);
    const more = indexes.length > ROWS_SHOWN ? ` and ${indexes.length - ROWS_SHOWN} more` : '';
    return `  ${type} (queue ${serviceTaskQueue(type)}): row${indexes.length > 1 ? 's' : ''} ${shown.join(', ')}${more}`;
  });
}

/** What to do about unserved types, naming the groups the config has. */
export function unservedHint(served: ServedTypes): string {
  return (
    `add each type to the serviceTypes of a group in ${served.file} (groups: ${served.groups.join(', ')}) and ` +
    "deploy that group's workers (if the workers run with another config, point WORKER_CONFIG at it); " +
    'to import before they are deployed, pass --allow-unserved-types'
  );
}

function rowName(row: unknown): string {
  const record = isRecord(row) ? row : {};
  const name = (value: unknown) => (typeof value === 'string' && value !== '' ? value : '?');
  return `${name(record.tenantId)}/${name(record.serviceInstanceId)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
