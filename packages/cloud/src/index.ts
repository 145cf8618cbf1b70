export { CredentialsCache, credentialsFromAuthorization } from './registry/ecr-authorization.js';
export { type EcrConnectionOptions, EcrRegistry, type EcrRegistryOptions } from './registry/ecr-registry.js';
export { RegistryError, type RegistryErrorCode } from './registry/errors.js';
export type {
  ImageDetails,
  ImageRegistry,
  ListedRepository,
  RegistryCredentials,
  Repository,
  RepositoryRef,
} from './registry/image-registry.js';
export { lifecyclePolicyText } from './registry/lifecycle-policy.js';
export { LocalRegistry, type LocalRegistryOptions } from './registry/local-registry.js';
