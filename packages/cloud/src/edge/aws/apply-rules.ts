import {
  CreateRuleCommand,
  DeleteRuleCommand,
  ModifyRuleCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DesiredRule } from '@slipway/core';
import type { ActualRule } from './actual-edge.js';
import { type ApplyContext, groupArn, tagList, Unresolved } from './apply-context.js';
import type { EdgeAction } from './edge-actions.js';

export type RuleAction = Extract<
  EdgeAction,
  { kind: 'delete-rules' | 'set-rule-priorities' | 'modify-rule' | 'create-rule' }
>;

/** Host-header rules on HTTPS listeners; the cache learns each change. */
export async function applyRuleAction(context: ApplyContext, action: RuleAction): Promise<void> {
  const { clients, cache, arns } = context;
  const elb = clients.elb;
  switch (action.kind) {
    case 'delete-rules': {
      for (const ruleArn of action.ruleArns) {
        await elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
        updateRules(context, (rules) => rules.filter((r) => r.arn !== ruleArn));
      }
      return;
    }
    case 'set-rule-priorities': {
      await elb.send(
        new SetRulePrioritiesCommand({
          RulePriorities: action.priorities.map((p) => ({ RuleArn: p.ruleArn, Priority: p.priority })),
        }),
      );
      const moved = new Map(action.priorities.map((p) => [p.ruleArn, p.priority]));
      updateRules(context, (rules) =>
        rules.map((r) => (moved.has(r.arn) ? { ...r, priority: moved.get(r.arn)! } : r)),
      );
      return;
    }
    case 'modify-rule': {
      await elb.send(
        new ModifyRuleCommand({
          RuleArn: action.ruleArn,
          Conditions: hostCondition(action.rule),
          Actions: [{ Type: 'forward', TargetGroupArn: groupArn(arns, action.rule.targetGroup) }],
        }),
      );
      updateRules(context, (rules) =>
        rules.map((r) =>
          r.arn === action.ruleArn
            ? { ...r, hostnames: [action.rule.hostname], targetGroup: action.rule.targetGroup }
            : r,
        ),
      );
      return;
    }
    case 'create-rule': {
      const { rule } = action;
      const listenerArn = arns.listeners.get(`${rule.loadBalancer}:${rule.listenerPort}`);
      if (!listenerArn) throw new Unresolved(`no listener ${rule.loadBalancer}:${rule.listenerPort}`);
      const answer = await elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: rule.priority,
          Conditions: hostCondition(rule),
          Actions: [{ Type: 'forward', TargetGroupArn: groupArn(arns, rule.targetGroup) }],
          Tags: tagList({ ...rule.tags, ...context.extraTags }),
        }),
      );
      const arn = answer.Rules?.[0]?.RuleArn;
      if (!arn) throw new Unresolved(`CreateRule ${rule.hostname} returned no ARN`);
      const made: ActualRule = {
        loadBalancer: rule.loadBalancer,
        listenerPort: rule.listenerPort,
        arn,
        priority: rule.priority,
        hostnames: [rule.hostname],
        targetGroup: rule.targetGroup,
      };
      cache.rules.update(listenerArn, (rules) => [...rules, made]);
      return;
    }
  }
}

function hostCondition(rule: DesiredRule) {
  return [{ Field: 'host-header', HostHeaderConfig: { Values: [rule.hostname] } }];
}

function updateRules(context: ApplyContext, change: (rules: ActualRule[]) => ActualRule[]) {
  for (const arn of context.arns.listeners.values()) context.cache.rules.update(arn, change);
}
