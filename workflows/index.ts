export { ServiceInstanceDeletionWorkflow } from './service-instance-deletion-workflow';
export { TenantDeletionWorkflow } from './tenant-deletion-workflow';
