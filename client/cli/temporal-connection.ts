import net from 'node:net';
import { NamespaceNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { tenantWorkflowId } from '@tenant-deletion/contract';
import { connectTemporalClient, type TemporalAccess } from '../../common/temporal-connection';
import { notFoundError, unreachableError, type CliError } from './exit-codes';
import { isDeadlineExceeded, isUnreachable } from '../../common/temporal-failures';

export { isDeadlineExceeded, isUnreachable };

/**
 * The CLI's one way to Temporal: connect (failing fast and plainly when nothing listens), and turn the errors
 * Temporal answers with into messages that say what to do.
 */

const CONNECT_TIMEOUT_MS = 5_000;
/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) that mean "cannot reach". */

export interface TemporalTarget {
  address: string;
  namespace: string;
}

export interface TemporalSession {
  client: Client;
  target: TemporalTarget;
  close(): Promise<void>;
}

function unreachable(target: TemporalTarget, why?: string): CliError {
  return unreachableError(
    `Temporal unreachable at ${target.address}${why ? ` (${why})` : ''}: start it with \`npm run stack:up\``,
    'or point --address (or TEMPORAL_ADDRESS) at a running Temporal server (host:port)',
  );
}

/**
 * A plain TCP connect first: gRPC keeps retrying a refused connection until its deadline, so without this a
 * stopped server would cost the user the whole timeout before the message.
 */
function probe(address: string, timeoutMs: number): Promise<void> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('no answer'));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(new Error(error.code === 'ENOTFOUND' ? `unknown host ${host}` : (error.code ?? error.message)));
    });
  });
}

export async function connectTemporal(access: TemporalAccess): Promise<TemporalSession> {
  const target = { address: access.connection.address, namespace: access.namespace };
  try {
    await probe(target.address, CONNECT_TIMEOUT_MS);
  } catch (error) {
    throw unreachable(target, (error as Error).message);
  }
  let client: Client;
  try {
    client = await connectTemporalClient(access, { connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw unreachable(target, (error as Error).message);
  }
  return { client, target, close: () => client.connection.close() };
}

export function noWorkflowError(target: TemporalTarget, tenantId: string): CliError {
  return notFoundError(
    `no deletion workflow for tenant ${tenantId} (workflow id ${tenantWorkflowId(tenantId)} in namespace ${target.namespace})`,
    `start one with \`tdel delete ${tenantId}\`, or find deletions with \`tdel list\``,
  );
}

/** Temporal's answer as a CliError when it is one the user can act on; anything else is returned as it is. */
export function temporalError(error: unknown, target: TemporalTarget, tenantId?: string): unknown {
  if (error instanceof WorkflowNotFoundError && tenantId !== undefined) return noWorkflowError(target, tenantId);
  if (error instanceof NamespaceNotFoundError) {
    return notFoundError(
      `Temporal namespace ${target.namespace} does not exist at ${target.address}`,
      'pass --namespace (or set TEMPORAL_NAMESPACE) with an existing namespace (the local stack uses `default`)',
    );
  }
  if (isUnreachable(error)) return unreachable(target, 'connection lost');
  return error;
}
