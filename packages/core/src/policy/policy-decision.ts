/**
 * One reason a policy refuses something. `policy` is the dotted path of the setting in
 * {@link Policy} that refused it (`limits.replicasPerService`, `permissions.privileged`),
 * `allowed` is that setting's value and `requested` what was asked for.
 */
export interface PolicyDenial {
  policy: string;
  requested: unknown;
  allowed: unknown;
  message: string;
}

/** The answer of every policy evaluator. A refusal lists every denial, not just the first. */
export type PolicyDecision = { allowed: true } | { allowed: false; denials: PolicyDenial[] };

/** Turns the denials of all checks into a decision: allowed when there are none. */
export function decide(denials: readonly PolicyDenial[]): PolicyDecision {
  return denials.length === 0 ? { allowed: true } : { allowed: false, denials: [...denials] };
}

/** Lists a policy setting's values for a message: `(/data, /var/log)`, or `(none)`. */
export function listForMessage(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}
