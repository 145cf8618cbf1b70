import {
  type Action,
  AddListenerCertificatesCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  ModifyListenerCommand,
  RemoveListenerCertificatesCommand,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DesiredListener, DesiredListenerAction } from '@slipway/core';
import type { ActualListener } from './actual-edge.js';
import { type ApplyContext, type EdgeArns, groupArn, lbArn, tagList, Unresolved } from './apply-context.js';
import type { EdgeAction } from './edge-actions.js';

export type LoadBalancerAction = Extract<
  EdgeAction,
  {
    kind:
      | 'create-load-balancer'
      | 'set-subnets'
      | 'set-security-groups'
      | 'delete-load-balancer'
      | 'create-listener'
      | 'modify-listener'
      | 'add-listener-certificates'
      | 'remove-listener-certificates'
      | 'delete-listener';
  }
>;

/** Load balancers and their listeners (with their certificates); the cache learns each change. */
export async function applyLoadBalancerAction(
  context: ApplyContext,
  action: LoadBalancerAction,
): Promise<void> {
  const { clients, cache, arns } = context;
  const elb = clients.elb;
  switch (action.kind) {
    case 'create-load-balancer': {
      const lb = action.loadBalancer;
      const answer = await elb.send(
        new CreateLoadBalancerCommand({
          Name: lb.name,
          Type: 'application',
          Scheme: lb.scheme,
          IpAddressType: 'ipv4',
          Subnets: lb.subnets,
          ...(lb.securityGroups.length > 0 ? { SecurityGroups: lb.securityGroups } : {}),
          Tags: tagList({ ...lb.tags, ...context.extraTags }),
        }),
      );
      const made = answer.LoadBalancers?.[0];
      if (!made?.LoadBalancerArn) throw new Unresolved(`CreateLoadBalancer ${lb.name} returned no ARN`);
      arns.loadBalancers.set(lb.name, {
        arn: made.LoadBalancerArn,
        dnsName: made.DNSName ?? '',
        canonicalHostedZoneId: made.CanonicalHostedZoneId ?? '',
      });
      cache.listeners.fresh(made.LoadBalancerArn, []);
      cache.tags.set(made.LoadBalancerArn, { ...lb.tags, ...context.extraTags });
      return;
    }
    case 'set-subnets': {
      await elb.send(
        new SetSubnetsCommand({ LoadBalancerArn: lbArn(arns, action.loadBalancer), Subnets: action.subnets }),
      );
      return;
    }
    case 'set-security-groups': {
      await elb.send(
        new SetSecurityGroupsCommand({
          LoadBalancerArn: lbArn(arns, action.loadBalancer),
          SecurityGroups: action.securityGroups,
        }),
      );
      return;
    }
    case 'delete-load-balancer': {
      await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: action.arn }));
      cache.forget([
        action.arn,
        ...[...arns.listeners.entries()].filter(([k]) => k.startsWith(`${action.name}:`)).map(([, v]) => v),
      ]);
      arns.loadBalancers.delete(action.name);
      return;
    }
    case 'create-listener': {
      const { listener } = action;
      const balancer = lbArn(arns, listener.loadBalancer);
      const [defaultArn, ...others] = listener.certificateArns;
      const answer = await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: balancer,
          Protocol: listener.protocol,
          Port: listener.port,
          DefaultActions: defaultActions(listener.action, arns),
          ...(defaultArn ? { Certificates: [{ CertificateArn: defaultArn }], SslPolicy: SSL_POLICY } : {}),
          Tags: tagList({ ...listener.tags, ...context.extraTags }),
        }),
      );
      const arn = answer.Listeners?.[0]?.ListenerArn;
      if (!arn)
        throw new Unresolved(`CreateListener ${listener.loadBalancer}:${listener.port} returned no ARN`);
      arns.listeners.set(`${listener.loadBalancer}:${listener.port}`, arn);
      if (others.length > 0)
        await elb.send(
          new AddListenerCertificatesCommand({
            ListenerArn: arn,
            Certificates: others.map((CertificateArn) => ({ CertificateArn })),
          }),
        );
      cache.listeners.update(balancer, (known) => [...known, actualListener(listener, arn)]);
      if (listener.protocol === 'HTTPS') cache.rules.fresh(arn, []);
      return;
    }
    case 'modify-listener': {
      const { listener } = action;
      const [defaultArn] = listener.certificateArns;
      await elb.send(
        new ModifyListenerCommand({
          ListenerArn: action.listenerArn,
          Protocol: listener.protocol,
          Port: listener.port,
          DefaultActions: defaultActions(listener.action, arns),
          ...(defaultArn ? { Certificates: [{ CertificateArn: defaultArn }], SslPolicy: SSL_POLICY } : {}),
        }),
      );
      cache.listeners.update(lbArn(arns, listener.loadBalancer), (known) =>
        known.map((l) =>
          l.arn === action.listenerArn
            ? {
                ...l,
                protocol: listener.protocol,
                action: listener.action,
                certificateArns: defaultArn ? [defaultArn, ...l.certificateArns.slice(1)] : l.certificateArns,
              }
            : l,
        ),
      );
      return;
    }
    case 'add-listener-certificates': {
      const arn = arns.listeners.get(`${action.loadBalancer}:${action.port}`);
      if (!arn) throw new Unresolved(`no listener ${action.loadBalancer}:${action.port}`);
      await elb.send(
        new AddListenerCertificatesCommand({
          ListenerArn: arn,
          Certificates: action.certificateArns.map((CertificateArn) => ({ CertificateArn })),
        }),
      );
      updateListener(context, arn, (l) => ({
        ...l,
        certificateArns: [
          l.certificateArns[0] ?? '',
          ...[...l.certificateArns.slice(1), ...action.certificateArns].sort(),
        ],
      }));
      return;
    }
    case 'remove-listener-certificates': {
      await elb.send(
        new RemoveListenerCertificatesCommand({
          ListenerArn: action.listenerArn,
          Certificates: action.certificateArns.map((CertificateArn) => ({ CertificateArn })),
        }),
      );
      updateListener(context, action.listenerArn, (l) => ({
        ...l,
        certificateArns: l.certificateArns.filter(
          (arn, i) => i === 0 || !action.certificateArns.includes(arn),
        ),
      }));
      return;
    }
    case 'delete-listener': {
      await elb.send(new DeleteListenerCommand({ ListenerArn: action.listenerArn }));
      cache.forget([action.listenerArn]);
      for (const { arn } of arns.loadBalancers.values())
        cache.listeners.update(arn, (known) => known.filter((l) => l.arn !== action.listenerArn));
      return;
    }
  }
}

/** TLS 1.3 and 1.2 only: the policy AWS recommends for new HTTPS listeners. */
const SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

function defaultActions(action: DesiredListenerAction, arns: EdgeArns): Action[] {
  switch (action.type) {
    case 'redirect-to-https':
      return [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ];
    case 'not-found':
      return [
        {
          Type: 'fixed-response',
          FixedResponseConfig: {
            StatusCode: '404',
            ContentType: 'text/plain',
            MessageBody: 'No Slipway service answers to this host name.',
          },
        },
      ];
    case 'forward':
      return [{ Type: 'forward', TargetGroupArn: groupArn(arns, action.targetGroup) }];
  }
}

function actualListener(listener: DesiredListener, arn: string): ActualListener {
  return {
    loadBalancer: listener.loadBalancer,
    arn,
    port: listener.port,
    protocol: listener.protocol,
    action: listener.action,
    certificateArns: listener.certificateArns,
  };
}

function updateListener(
  context: ApplyContext,
  listenerArn: string,
  change: (l: ActualListener) => ActualListener,
) {
  for (const { arn } of context.arns.loadBalancers.values())
    context.cache.listeners.update(arn, (known) => known.map((l) => (l.arn === listenerArn ? change(l) : l)));
}
