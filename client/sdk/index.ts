/**
 * `@tenant-deletion/client`: what another service needs to request a tenant deletion, follow it and check its
 * certificate. Workflow code imports the definitions alone (`@tenant-deletion/client/definitions`,
 * `@tenant-deletion/client/search-attributes`), which do not pull in `@temporalio/client`.
 */
export { requestDeletion } from './request-deletion';
export {
  deletionHandle,
  followDeletion,
  readProgress,
  readResult,
  readSummary,
  type DeletionHandle,
  type FollowOptions,
} from './follow-deletion';
export { progressQuery, requestDeletionSignal, summaryQuery, type TenantDeletionWorkflowType } from './definitions';
export { canonicalJson, digestOf } from './certificate-digest';
export { InvalidKeyError, keyIdOf, parsePublicKey, publicKeyPem, requireEd25519 } from './certificate-keys';
export {
  verifyCertificate,
  verifyChain,
  verifyChainLink,
  type CheckName,
  type VerificationCheck,
  type VerificationReport,
} from './certificate-verification';
