import type {
  DesiredListener,
  DesiredLoadBalancer,
  DesiredRecord,
  DesiredRule,
  DesiredTargetGroup,
  EdgeTags,
  EdgeTarget,
} from '@slipway/core';
import type { RecordSet } from './actual-edge.js';

/**
 * One AWS call (or one batch of the same call) the diff asks for, as data: tests compare them,
 * the applier runs them in `ACTION_ORDER`. Resources made in the same pass are referred to by
 * name (load balancer, target group) or by load balancer and port (listener), and resolved to
 * ARNs when applied.
 */
export type EdgeAction =
  | { kind: 'request-certificate'; key: string; domains: string[]; tags: EdgeTags }
  | { kind: 'create-target-group'; group: DesiredTargetGroup }
  | { kind: 'modify-health-check'; targetGroup: string; healthCheck: DesiredTargetGroup['healthCheck'] }
  | { kind: 'set-deregistration-delay'; targetGroup: string; seconds: number }
  | { kind: 'register-targets'; targetGroup: string; targets: EdgeTarget[] }
  | { kind: 'create-load-balancer'; loadBalancer: DesiredLoadBalancer }
  | { kind: 'set-subnets'; loadBalancer: string; subnets: string[] }
  | { kind: 'set-security-groups'; loadBalancer: string; securityGroups: string[] }
  | { kind: 'create-listener'; listener: DesiredListener }
  | { kind: 'modify-listener'; listenerArn: string; listener: DesiredListener }
  | { kind: 'add-listener-certificates'; loadBalancer: string; port: number; certificateArns: string[] }
  | { kind: 'delete-rules'; ruleArns: string[] }
  | { kind: 'set-rule-priorities'; priorities: { ruleArn: string; priority: number }[] }
  | { kind: 'modify-rule'; ruleArn: string; rule: DesiredRule }
  | { kind: 'create-rule'; rule: DesiredRule }
  | { kind: 'upsert-records'; hostedZoneId: string; records: DesiredRecord[] }
  | { kind: 'delete-records'; hostedZoneId: string; records: RecordSet[] }
  | { kind: 'remove-listener-certificates'; listenerArn: string; certificateArns: string[] }
  | { kind: 'delete-listener'; listenerArn: string }
  | { kind: 'deregister-targets'; targetGroup: string; targets: EdgeTarget[] }
  | { kind: 'delete-load-balancer'; name: string; arn: string }
  | { kind: 'delete-target-group'; name: string; arn: string }
  | { kind: 'delete-certificate'; arn: string };

export type EdgeActionKind = EdgeAction['kind'];

/**
 * The safe order: what others point at is made first (certificates, target groups and their
 * targets before the load balancer, listeners and rules that forward to them; records last, once
 * the load balancer answers); then removal in reverse (records, rules, listeners, targets
 * deregistered — the ALB drains them for the deregistration delay — load balancers, target
 * groups no rule points at any more, certificates no listener uses). Stale rules go before new
 * ones are made, so a host name or priority they held is free.
 */
export const ACTION_ORDER: readonly EdgeActionKind[] = [
  'request-certificate',
  'create-target-group',
  'modify-health-check',
  'set-deregistration-delay',
  'register-targets',
  'create-load-balancer',
  'set-subnets',
  'set-security-groups',
  'create-listener',
  'modify-listener',
  'add-listener-certificates',
  'delete-rules',
  'set-rule-priorities',
  'modify-rule',
  'create-rule',
  'upsert-records',
  'delete-records',
  'remove-listener-certificates',
  'delete-listener',
  'deregister-targets',
  'delete-load-balancer',
  'delete-target-group',
  'delete-certificate',
];

/** Actions sorted into `ACTION_ORDER`, keeping the diff's order within a kind. */
export function inApplyOrder(actions: readonly EdgeAction[]): EdgeAction[] {
  const rank = new Map(ACTION_ORDER.map((kind, index) => [kind, index]));
  return actions
    .map((action, index) => ({ action, index }))
    .sort((a, b) => rank.get(a.action.kind)! - rank.get(b.action.kind)! || a.index - b.index)
    .map(({ action }) => action);
}
