/**
 * The deletion kit's public API: what a Postgres-backed TypeScript service adds to become deletable
 * (`@tenant-deletion/kit`). Fault injection is not here: it lives in `@tenant-deletion/kit/testing`, so a
 * production service gets it only when it asks for it.
 */
export { startDeletableService, type KitOptions, type RunningDeletableService } from './deletable-service';
export {
  deletableServiceDefinitionSchema,
  KitDefinitionError,
  parseDefinition,
  type DeletableServiceDefinition,
  type ServiceDefinition,
} from './service-definition';
export { readCatalog, type SchemaCatalog } from './catalog';
export { KitPlanError, planDeletion, type DeletionPlan, type PlannedTable } from './deletion-plan';
export { deleteAllStatement } from './deletion-statements';
export { KitCoverageError } from './coverage-guard';
export { KitOverDeletionError } from './over-deletion-guard';
export { KitFileError } from './tenant-files';
export { ensureDatabase, migrate, type MigrateOptions } from './database-setup';
export { legalHoldBodySchema } from './legal-holds';
export { requestTracing, type RequestTracingOptions } from './tracing';
