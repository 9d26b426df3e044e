/**
 * The contract other systems rely on (docs/contract.md), as zod schemas and constants: names, statuses,
 * requests, outcomes and failure types. Every type of these ideas is derived from here, never written again.
 */
export * from './identifiers';
export * from './names';
export * from './outcomes';
export * from './requests';
export * from './failures';
export * from './inventory';
export * from './progress';
export * from './controls';
export * from './result-events';
export * from './lifecycle-events';
export * from './dead-letters';
export * from './service-http';
export * from './registry-http';
export * from './certificate';
export * from './job-poll-wait';
