/**
 * The deliveries the app enqueues (probot's `event.action` names). Everything else — `star`,
 * `issues`, other pull_request actions — is answered 200 and dropped without a trace in Redis.
 */
export const HANDLED_EVENTS = [
  'push',
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.closed',
  'installation',
  'installation_repositories',
  'check_run.rerequested',
] as const;
