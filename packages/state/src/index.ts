export {
  ConflictError,
  CorruptDocumentError,
  type DocumentIssue,
  FencedError,
  InvalidDocumentError,
  InvalidKeyError,
  NotFoundError,
  StateError,
  type StateErrorCode,
} from './errors.js';
export { normaliseEtag } from './etag.js';
export type { FileLockOptions } from './file-lock.js';
export { FsStateStore, type FsStateStoreOptions } from './fs-state-store.js';
export {
  bindingKey,
  InstallationBoundElsewhere,
  type InstallationRecord,
  Installations,
  installationKey,
  installationRecordSchema,
} from './github-installations.js';
export { assertKey, assertKeySegment, assertPrefix, FENCES_FOLDER, fenceKey, isValidKey } from './keys.js';
export { listAll } from './list-all.js';
export { PolicyStore, PolicyVersionConflict, type StoredPolicy, storedPolicySchema } from './policy-store.js';
export type { RawObject, WriteCondition } from './raw-store.js';
export { createRepositories, type Repositories } from './repositories.js';
export {
  type KeyedDocument,
  Repository,
  type RepositoryOptions,
  ScanCache,
  type ScanResult,
} from './repository.js';
export { type S3ConnectionOptions, S3StateStore, type S3StateStoreOptions } from './s3-state-store.js';
export {
  allocationKey,
  allocationsPrefix,
  buildKey,
  buildLogArchiveKey,
  buildLogsPrefix,
  buildsPrefix,
  hostKey,
  hostsPrefix,
  releaseKey,
  releasesPrefix,
  rolloutKey,
  rolloutsPrefix,
  serviceKey,
  servicesPrefix,
  tenantKey,
  tenantPrefix,
} from './state-keys.js';
export type {
  DeleteOptions,
  FenceToken,
  ListedKey,
  ListOptions,
  ListPage,
  PutOptions,
  StateStore,
  StoredDocument,
} from './state-store.js';
export { MAX_LIST_LIMIT, StateStoreBase } from './state-store-base.js';
export {
  createStateStore,
  StateConfigError,
  type StateStoreConfig,
  stateStoreConfigFromEnv,
} from './state-store-config.js';
export { KEEP_DOCUMENT, type UpdateDocumentOptions, updateDocument } from './update-document.js';
export {
  diffEtags,
  type StateChange,
  snapshotEtags,
  type WatchChangesOptions,
  watchChanges,
} from './watch-changes.js';
