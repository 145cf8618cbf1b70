// @slipway/identity: users, sign-in, bearer tokens and roles for the controller's API (see README.md).

export {
  BOOTSTRAP_ADMIN_ID,
  type BootstrapAdminOptions,
  type BootstrappedAdmin,
  bootstrapAdmin,
} from './bootstrap-admin.js';
export { type EffectiveRole, effectiveRole, roleAtLeast } from './effective-role.js';
export { IdentityError, type IdentityErrorCode, type IdentityIssue } from './identity-error.js';
export { tokenIdOfKey } from './identity-keys.js';
export type { HostPrincipal, Principal, UserPrincipal } from './principal.js';
export type { SignInInput } from './sign-in.js';
export {
  API_TOKEN_DEFAULT_TTL_MS,
  API_TOKEN_MAX_TTL_MS,
  JOIN_TOKEN_DEFAULT_TTL_MS,
  JOIN_TOKEN_MAX_TTL_MS,
} from './token-expiry.js';
export { parseToken, TOKEN_KINDS, TOKEN_PREFIXES, type TokenKind } from './token-format.js';
export type {
  ApiTokenRecord,
  HostTokenRecord,
  JoinTokenRecord,
  StoredToken,
  TokenRecord,
} from './token-record.js';
export type { TokenRecordCache } from './token-record-cache.js';
export type {
  CreateApiTokenInput,
  CreatedToken,
  CreateHostTokenInput,
  CreateJoinTokenInput,
  JoinRedemption,
} from './token-requests.js';
export { type TokenRejection, TokenService, type TokenServiceOptions } from './token-service.js';
export {
  IDENTITY_PROVIDERS,
  type IdentityProvider,
  identityProviderSchema,
  type User,
  type UserEmail,
  type UserId,
  type UserIdentity,
  userIdSchema,
  userSchema,
} from './user.js';
export { UserDirectory, type UserDirectoryOptions, type UserPage } from './user-directory.js';
