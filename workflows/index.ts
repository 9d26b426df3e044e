export { ServiceInstanceDeletionWorkflow } from './service-instance-deletion-workflow';
export { TenantDeletionWorkflow } from './tenant-deletion-workflow';
export { TenantPreviewWorkflow } from './tenant-preview-workflow';
