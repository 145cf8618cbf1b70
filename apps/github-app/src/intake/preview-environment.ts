import { previewNumberOf } from '@slipway/queue';

/**
 * The environment a pull request previews into: `pr-<number>`, a DNS label like every
 * environment name, so it can become part of a host name.
 *
 * @example previewEnvironment(12) // 'pr-12'
 */
export function previewEnvironment(pullRequestNumber: number): string {
  return `pr-${pullRequestNumber}`;
}

/** The ref GitHub keeps for a pull request's head; a preview's builds form their line on it. */
export function pullRequestRef(pullRequestNumber: number): string {
  return `refs/pull/${pullRequestNumber}/head`;
}

/** True for an environment {@link previewEnvironment} made. */
export function isPreviewEnvironment(environment: string): boolean {
  return previewNumberOf(environment) !== undefined;
}
