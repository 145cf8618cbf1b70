/**
 * CircleCI's project slug of a GitHub repository (`owner/name`): `gh/owner/name`. Slipway only
 * builds GitHub repositories, so the VCS is always `gh`.
 *
 * @example projectSlugOf('acme/web') // 'gh/acme/web'
 */
export function projectSlugOf(fullName: string): string {
  return `gh/${fullName}`;
}

/** What the pipeline is triggered on: a branch, or a tag — never both (CircleCI refuses that). */
export type PipelineTarget = { branch: string } | { tag: string };

/**
 * The branch or tag of a build line's ref, as CircleCI names it: `refs/heads/main` → branch
 * `main`, `refs/tags/v1` → tag `v1`, a pull request's `refs/pull/7/head` → branch `pull/7/head`
 * (GitHub's head ref, which CircleCI checks out as a branch). Pure.
 */
export function pipelineTargetOf(ref: string): PipelineTarget {
  if (ref.startsWith('refs/heads/')) return { branch: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { tag: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/')) return { branch: ref.slice('refs/'.length) };
  return { branch: ref };
}

/** The pipeline parameters Slipway passes; a project's `.circleci/config.yml` must declare them. */
export const PIPELINE_PARAMETERS = {
  /** Where to push: `<registry host>/<repository>`, e.g. `123….dkr.ecr.us-east-1.amazonaws.com/slipway/acme/web`. */
  repository: 'slipway_image_repository',
  /** The tag to push: the full commit sha, so the image of a commit never changes. */
  tag: 'slipway_image_tag',
} as const;
