import type { ApplyContext } from './apply-context.js';
import { applyDnsCertificateAction, type DnsCertificateAction } from './apply-dns-certificates.js';
import { applyLoadBalancerAction, type LoadBalancerAction } from './apply-load-balancers.js';
import { applyRuleAction, type RuleAction } from './apply-rules.js';
import { applyTargetGroupAction, type TargetGroupAction } from './apply-target-groups.js';
import type { EdgeAction } from './edge-actions.js';

export { type ApplyContext, arnsOf, type EdgeArns } from './apply-context.js';

/** One action that AWS refused or that could not run; the next pass tries again. */
export interface EdgeActionFailure {
  /** The action's kind, or `read` when the tenant's edge could not be read at all. */
  action: EdgeAction['kind'] | 'read';
  /** The service it was for, when the action belongs to one (target groups, rules, listeners of extra ports). */
  service?: string;
  /** The AWS error name (`ResourceInUseException`) or `Unresolved`. */
  code: string;
  message: string;
}

/**
 * Runs actions (already in `ACTION_ORDER`) one after another. A failure is recorded and the rest
 * still run — what depended on the failed call fails as `Unresolved` — so one bad call does not
 * stop the tenant's other changes; the next pass diffs again and repairs it. Every success
 * updates the cache, so the next pass need not read it back.
 */
export async function applyEdgeActions(
  context: ApplyContext,
  actions: readonly EdgeAction[],
): Promise<EdgeActionFailure[]> {
  const failures: EdgeActionFailure[] = [];
  for (const action of actions) {
    try {
      await applyOne(context, action);
    } catch (error) {
      const err = error as { name?: string; message?: string };
      const service = serviceOf(action);
      failures.push({
        action: action.kind,
        ...(service ? { service } : {}),
        code: err.name ?? 'Error',
        message: err.message ?? String(error),
      });
    }
  }
  return failures;
}

const TARGET_GROUP_KINDS = new Set<EdgeAction['kind']>([
  'create-target-group',
  'modify-health-check',
  'set-deregistration-delay',
  'register-targets',
  'deregister-targets',
  'delete-target-group',
]);
const RULE_KINDS = new Set<EdgeAction['kind']>([
  'delete-rules',
  'set-rule-priorities',
  'modify-rule',
  'create-rule',
]);
const DNS_CERTIFICATE_KINDS = new Set<EdgeAction['kind']>([
  'request-certificate',
  'delete-certificate',
  'upsert-records',
  'delete-records',
]);

const LOAD_BALANCER_KINDS = new Set<EdgeAction['kind']>([
  'create-load-balancer',
  'set-subnets',
  'set-security-groups',
  'delete-load-balancer',
  'create-listener',
  'modify-listener',
  'add-listener-certificates',
  'remove-listener-certificates',
  'delete-listener',
]);

function applyOne(context: ApplyContext, action: EdgeAction): Promise<void> {
  if (TARGET_GROUP_KINDS.has(action.kind))
    return applyTargetGroupAction(context, action as TargetGroupAction);
  if (RULE_KINDS.has(action.kind)) return applyRuleAction(context, action as RuleAction);
  if (DNS_CERTIFICATE_KINDS.has(action.kind))
    return applyDnsCertificateAction(context, action as DnsCertificateAction);
  if (LOAD_BALANCER_KINDS.has(action.kind))
    return applyLoadBalancerAction(context, action as LoadBalancerAction);
  throw new Error(`no applier for edge action ${action.kind}`);
}

/** The service an action is for, from the tags the planner put on what it makes. */
function serviceOf(action: EdgeAction): string | undefined {
  switch (action.kind) {
    case 'create-target-group':
      return action.group.service;
    case 'create-rule':
    case 'modify-rule':
      return action.rule.tags['slipway:service'];
    case 'create-listener':
    case 'modify-listener':
      return action.listener.tags['slipway:service'];
    default:
      return undefined;
  }
}
