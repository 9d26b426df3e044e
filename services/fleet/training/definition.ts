import type { DeletableServiceDefinition } from '@tenant-deletion/kit';

export const definition: DeletableServiceDefinition = {
  serviceType: 'training',
  auditTable: 'audit_log',
  // Trained models live on disk; a tenant's are unlinked with their rows and counted as model_files.
  files: [{ table: 'model_artifacts', pathColumn: 'file_path', countAs: 'model_files' }],
};
