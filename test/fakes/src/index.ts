export { createAppJwt, verifyAppJwt } from './app-jwt.js';
export * from './circleci/index.js';
export {
  type ExamplePayloadOverrides,
  examplePayload,
  type WebhookEventName,
  type WebhookPayload,
} from './example-payload.js';
export {
  type FakeGitHub,
  type RepoSelector,
  type StartFakeGitHubOptions,
  startFakeGitHub,
} from './fake-github.js';
export type { OrgMembership, RepoRole } from './fake-state.js';
export { createGitRepo, type GitFile, type GitRepo, type GitTreeEntry } from './git-repo.js';
export { DOCUMENTATION_URL, GitHubError } from './github-error.js';
export { type AppPermissions, DEFAULT_APP_PERMISSIONS, type PermissionLevel } from './permissions.js';
export { type PathMatcher, type RecordedRequest, RequestLog } from './request-log.js';
export { DEFAULT_USER_TOKEN_SCOPES } from './user-tokens.js';
export {
  type SignedWebhook,
  type SignWebhookOptions,
  sendWebhook,
  signWebhook,
  type WebhookResponse,
} from './webhook-signing.js';
