import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type ApplyContext, groupArn, sortTargets, tagList, Unresolved } from './apply-context.js';
import type { EdgeAction } from './edge-actions.js';

export type TargetGroupAction = Extract<
  EdgeAction,
  {
    kind:
      | 'create-target-group'
      | 'modify-health-check'
      | 'set-deregistration-delay'
      | 'register-targets'
      | 'deregister-targets'
      | 'delete-target-group';
  }
>;

/** Target groups and their targets; the cache learns each change. */
export async function applyTargetGroupAction(
  context: ApplyContext,
  action: TargetGroupAction,
): Promise<void> {
  const { clients, cache, arns } = context;
  const elb = clients.elb;
  switch (action.kind) {
    case 'create-target-group': {
      const { group } = action;
      const answer = await elb.send(
        new CreateTargetGroupCommand({
          Name: group.name,
          Protocol: 'HTTP',
          Port: group.port,
          VpcId: group.vpcId,
          TargetType: 'ip',
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: group.healthCheck.path,
          HealthCheckIntervalSeconds: group.healthCheck.intervalSeconds,
          HealthCheckTimeoutSeconds: group.healthCheck.timeoutSeconds,
          Tags: tagList({ ...group.tags, ...context.extraTags }),
        }),
      );
      const arn = answer.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new Unresolved(`CreateTargetGroup ${group.name} returned no ARN`);
      arns.targetGroups.set(group.name, arn);
      cache.tags.set(arn, { ...group.tags, ...context.extraTags });
      await elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [
            { Key: 'deregistration_delay.timeout_seconds', Value: String(group.deregistrationDelaySeconds) },
          ],
        }),
      );
      cache.targets.fresh(arn, { targets: [], draining: 0 });
      cache.delays.fresh(arn, group.deregistrationDelaySeconds);
      return;
    }
    case 'modify-health-check': {
      await elb.send(
        new ModifyTargetGroupCommand({
          TargetGroupArn: groupArn(arns, action.targetGroup),
          HealthCheckPath: action.healthCheck.path,
          HealthCheckIntervalSeconds: action.healthCheck.intervalSeconds,
          HealthCheckTimeoutSeconds: action.healthCheck.timeoutSeconds,
        }),
      );
      return;
    }
    case 'set-deregistration-delay': {
      const arn = groupArn(arns, action.targetGroup);
      await elb.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(action.seconds) }],
        }),
      );
      cache.delays.update(arn, () => action.seconds);
      return;
    }
    case 'register-targets': {
      const arn = groupArn(arns, action.targetGroup);
      await elb.send(
        new RegisterTargetsCommand({
          TargetGroupArn: arn,
          Targets: action.targets.map((t) => ({ Id: t.address, Port: t.port })),
        }),
      );
      cache.targets.update(arn, (known) => ({
        ...known,
        targets: sortTargets([...known.targets, ...action.targets]),
      }));
      return;
    }
    case 'deregister-targets': {
      const arn = groupArn(arns, action.targetGroup);
      await elb.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: arn,
          Targets: action.targets.map((t) => ({ Id: t.address, Port: t.port })),
        }),
      );
      cache.forget([arn]); // how long they drain is AWS's to say: read it next pass
      return;
    }
    case 'delete-target-group': {
      await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: action.arn }));
      cache.forget([action.arn]);
      return;
    }
  }
}
