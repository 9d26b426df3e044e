import { isGrpcServiceError } from '@temporalio/client';

/** Temporal's failures that are nobody's request's fault: unreachable, or too slow to answer (CLI and API alike). */

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function grpcCode(error: unknown): number | undefined {
  if (isGrpcServiceError(error)) return error.code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

export function isUnreachable(error: unknown): boolean {
  return grpcCode(error) === GRPC_UNAVAILABLE;
}

export function isDeadlineExceeded(error: unknown): boolean {
  return grpcCode(error) === GRPC_DEADLINE_EXCEEDED || (error as Error | null)?.name === 'TimeoutError';
}
