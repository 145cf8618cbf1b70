export { DataKeyCipher, type DataKeyCipherOptions } from './data-key-cipher.js';
export { type DataKey, DataKeyError, type DataKeyProvider } from './data-key-provider.js';
export {
  InvalidSecretError,
  MissingSecretsError,
  SecretDecryptError,
  type SecretDecryptReason,
  SecretError,
  type SecretErrorCode,
  SecretKeyConfigError,
  type SecretLabel,
  SecretSerializationError,
} from './errors.js';
export { keyFromConfig } from './key-from-config.js';
export type { KeyringOptions } from './keyring.js';
export { loadSecretsKey, type SecretsKeySource } from './load-secrets-key.js';
export { LocalDataKeyProvider } from './local-data-key-provider.js';
export { LocalKeyCipher } from './local-key-cipher.js';
export {
  createRedactingLogger,
  REDACTED,
  type RedactingLoggerOptions,
  replaceSecrets,
  secretRedactPaths,
} from './redacting-logger.js';
export { SECRET_PLACEHOLDER, Secret } from './secret.js';
export type { SecretCipher } from './secret-cipher.js';
export {
  assertSecretContext,
  type SecretContext,
  type ServiceSecretContext,
  type TenantSecretContext,
} from './secret-context.js';
export { type SecretEnvelope, secretEnvelopeSchema } from './secret-envelope.js';
export {
  assertSecretName,
  assertSecretValue,
  MAX_SECRET_NAME_LENGTH,
  MAX_SECRET_VALUE_BYTES,
} from './secret-rules.js';
export {
  describeScope,
  isTenantScope,
  type SecretScope,
  type ServiceRef,
  type TenantRef,
  tenantRef,
} from './secret-scope.js';
export {
  type SecretsDocument,
  type ServiceSecretsDocument,
  secretsDocumentSchema,
  type TenantSecretsDocument,
} from './secrets-document.js';
export { secretsKey, secretsPrefix } from './secrets-keys.js';
export {
  type SecretListing,
  SecretsRepository,
  type SecretsRepositoryOptions,
} from './secrets-repository.js';
