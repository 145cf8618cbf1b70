/**
 * The environment a branch deploys to, from slipway.yaml's `branches` map: an exact name wins,
 * then the first pattern (in the file's order) whose `*` matches — `*` stands for any run of
 * characters except `/`, so `release/*` covers `release/1.2` but not `release/1/hotfix`.
 * Undefined when no entry matches: the push is not a deploy. Pure.
 *
 * @example environmentForBranch({ main: 'production', 'release/*': 'staging' }, 'release/1.2') // 'staging'
 */
export function environmentForBranch(
  branches: Readonly<Record<string, string>>,
  branch: string,
): string | undefined {
  if (Object.hasOwn(branches, branch)) return branches[branch];
  for (const [pattern, environment] of Object.entries(branches)) {
    if (pattern.includes('*') && patternToRegExp(pattern).test(branch)) return environment;
  }
  return undefined;
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`);
}
