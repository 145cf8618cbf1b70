import {
  type CertificateStatus,
  DescribeCertificateCommand,
  ListTagsForCertificateCommand,
  paginateListCertificates,
} from '@aws-sdk/client-acm';
import {
  type Action,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListResourceRecordSetsCommand, type RRType } from '@aws-sdk/client-route-53';
import { EDGE_NAME_PREFIX, type EdgeScheme, type EdgeTags, loadBalancerName } from '@slipway/core';
import type {
  ActualCertificate,
  ActualListener,
  ActualListenerAction,
  ActualLoadBalancer,
  ActualRecord,
  ActualRule,
  ActualTargetGroup,
  RecordSet,
} from './actual-edge.js';
import { normaliseDnsName } from './diff-tenant-edge.js';
import type { EdgeCache } from './edge-cache.js';
import type { EdgeClients } from './edge-clients.js';

/** A target group as the account-wide listing shows it (targets and attributes come later). */
export type ListedTargetGroup = Omit<
  ActualTargetGroup,
  'targets' | 'drainingTargets' | 'deregistrationDelaySeconds'
>;

/** Slipway's resources in the account, by tenant: from three listings, tags from the cache. */
export interface AccountEdge {
  loadBalancers: Map<string, (ActualLoadBalancer & { tags: EdgeTags })[]>;
  targetGroups: Map<string, (ListedTargetGroup & { tags: EdgeTags })[]>;
  certificates: Map<string, (ActualCertificate & { tags: EdgeTags })[]>;
  /** Target group ARN → name, for reading rules and listener actions. */
  groupNames: Map<string, string>;
}

const ELB_TAG_BATCH = 20;

/**
 * Lists every load balancer, target group and certificate once (one call per page), keeps those
 * Slipway made for this deployment (`slw-` names; tags `slipway:managed=true` and
 * `slipway:deployment`), and groups them by `slipway:tenant`. Tags are fetched only for
 * resources not seen before.
 */
export async function readAccountEdge(
  clients: EdgeClients,
  cache: EdgeCache,
  deployment: string,
): Promise<AccountEdge> {
  const balancers: (ActualLoadBalancer & { tags?: EdgeTags })[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: clients.elb, pageSize: 400 }, {}))
    for (const lb of page.LoadBalancers ?? [])
      if (lb.LoadBalancerName?.startsWith(EDGE_NAME_PREFIX) && lb.LoadBalancerArn)
        balancers.push({
          name: lb.LoadBalancerName,
          arn: lb.LoadBalancerArn,
          scheme: (lb.Scheme ?? 'internal') as EdgeScheme,
          dnsName: lb.DNSName ?? '',
          canonicalHostedZoneId: lb.CanonicalHostedZoneId ?? '',
          subnets: (lb.AvailabilityZones ?? []).map((zone) => zone.SubnetId ?? '').sort(),
          securityGroups: [...(lb.SecurityGroups ?? [])].sort(),
        });
  const groups: ListedTargetGroup[] = [];
  const groupNames = new Map<string, string>();
  for await (const page of paginateDescribeTargetGroups({ client: clients.elb, pageSize: 400 }, {}))
    for (const group of page.TargetGroups ?? []) {
      if (!group.TargetGroupName?.startsWith(EDGE_NAME_PREFIX) || !group.TargetGroupArn) continue;
      groupNames.set(group.TargetGroupArn, group.TargetGroupName);
      groups.push({
        name: group.TargetGroupName,
        arn: group.TargetGroupArn,
        port: group.Port ?? 0,
        vpcId: group.VpcId ?? '',
        healthCheck: {
          path: group.HealthCheckPath ?? '/',
          intervalSeconds: group.HealthCheckIntervalSeconds ?? 0,
          timeoutSeconds: group.HealthCheckTimeoutSeconds ?? 0,
        },
      });
    }
  const untagged = [...balancers, ...groups].map((r) => r.arn).filter((arn) => !cache.tags.has(arn));
  for (let start = 0; start < untagged.length; start += ELB_TAG_BATCH) {
    const answer = await clients.elb.send(
      new DescribeTagsCommand({ ResourceArns: untagged.slice(start, start + ELB_TAG_BATCH) }),
    );
    for (const description of answer.TagDescriptions ?? [])
      if (description.ResourceArn) cache.tags.set(description.ResourceArn, tagMap(description.Tags));
  }

  const certificates: (ActualCertificate & { tags: EdgeTags })[] = [];
  const listed = new Set<string>([...balancers, ...groups].map((r) => r.arn));
  for await (const page of paginateListCertificates(
    { client: clients.acm, pageSize: 1000 },
    { Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'] } },
  ))
    for (const summary of page.CertificateSummaryList ?? []) {
      const arn = summary.CertificateArn;
      if (!arn) continue;
      listed.add(arn);
      if (!cache.tags.has(arn)) {
        const answer = await clients.acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
        cache.tags.set(arn, tagMap(answer.Tags));
      }
      const tags = cache.tags.get(arn)!;
      if (!owned(tags, deployment) || !tags['slipway:certificate']) continue;
      const status = certificateStatus(summary.Status);
      const details = await certificateDetails(clients, cache, arn, status);
      certificates.push({ key: tags['slipway:certificate'], arn, status, ...details, tags });
    }
  cache.retain(listed);

  const byTenant = <T extends { arn: string }>(items: readonly T[]) => {
    const map = new Map<string, (T & { tags: EdgeTags })[]>();
    for (const item of items) {
      const tags = cache.tags.get(item.arn) ?? {};
      if (!owned(tags, deployment)) continue;
      const tenant = tags['slipway:tenant']!;
      map.set(tenant, [...(map.get(tenant) ?? []), { ...item, tags }]);
    }
    return map;
  };
  return {
    loadBalancers: byTenant(balancers),
    targetGroups: byTenant(groups),
    certificates: byTenant(certificates),
    groupNames,
  };
}

/** A certificate's domains and validation records: read once, again only while ACM has not given all records. */
async function certificateDetails(
  clients: EdgeClients,
  cache: EdgeCache,
  arn: string,
  status: ActualCertificate['status'],
): Promise<{ domains: string[]; validationRecords: { name: string; value: string }[] }> {
  const known = cache.certificates.get(arn);
  if (known && (status === 'ISSUED' || known.validationRecords.length === known.domains.length)) return known;
  const answer = await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  const certificate = answer.Certificate;
  const domains = [...(certificate?.SubjectAlternativeNames ?? [])].sort();
  const validationRecords = (certificate?.DomainValidationOptions ?? []).flatMap((option) =>
    option.ResourceRecord?.Name && option.ResourceRecord.Value
      ? [{ name: option.ResourceRecord.Name, value: option.ResourceRecord.Value }]
      : [],
  );
  const details = { domains, validationRecords };
  cache.certificates.set(arn, details);
  return details;
}

/** Listeners, rules, targets and attributes of one tenant's resources, from the cache or AWS. */
export async function readTenantDetails(
  clients: EdgeClients,
  cache: EdgeCache,
  account: AccountEdge,
  tenant: string,
): Promise<{ listeners: ActualListener[]; rules: ActualRule[]; targetGroups: ActualTargetGroup[] }> {
  const listeners: ActualListener[] = [];
  const rules: ActualRule[] = [];
  for (const lb of account.loadBalancers.get(tenant) ?? []) {
    let found = cache.listeners.get(lb.arn);
    if (!found) {
      found = await describeListeners(clients, account, lb.name, lb.arn);
      cache.listeners.fresh(lb.arn, found);
    }
    listeners.push(...found);
    for (const listener of found) {
      if (listener.protocol !== 'HTTPS') continue; // Slipway puts rules only on HTTPS listeners
      let ruleSet = cache.rules.get(listener.arn);
      if (!ruleSet) {
        ruleSet = await describeRules(clients, account, listener);
        cache.rules.fresh(listener.arn, ruleSet);
      }
      rules.push(...ruleSet);
    }
  }
  const targetGroups: ActualTargetGroup[] = [];
  for (const group of account.targetGroups.get(tenant) ?? []) {
    let targets = cache.targets.get(group.arn);
    if (!targets) {
      const answer = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn }));
      const all = answer.TargetHealthDescriptions ?? [];
      const draining = all.filter((t) => t.TargetHealth?.State === 'draining').length;
      targets = {
        targets: all
          .filter((t) => t.TargetHealth?.State !== 'draining' && t.Target?.Id)
          .map((t) => ({ address: t.Target!.Id!, port: t.Target!.Port ?? group.port }))
          .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port)),
        draining,
      };
      cache.targets.fresh(group.arn, targets);
    }
    let delay = cache.delays.get(group.arn);
    if (delay === undefined) {
      const answer = await clients.elb.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.arn }),
      );
      const value = answer.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
      delay = Number(value ?? 300);
      cache.delays.fresh(group.arn, delay);
    }
    const { tags: _tags, ...listed } = group;
    targetGroups.push({
      ...listed,
      targets: targets.targets,
      drainingTargets: targets.draining,
      deregistrationDelaySeconds: delay,
    });
  }
  return { listeners, rules, targetGroups };
}

async function describeListeners(
  clients: EdgeClients,
  account: AccountEdge,
  loadBalancer: string,
  arn: string,
): Promise<ActualListener[]> {
  const answer = await clients.elb.send(new DescribeListenersCommand({ LoadBalancerArn: arn }));
  const listeners: ActualListener[] = [];
  for (const listener of answer.Listeners ?? []) {
    if (!listener.ListenerArn) continue;
    let certificateArns: string[] = [];
    if (listener.Protocol === 'HTTPS') {
      const certificates = await clients.elb.send(
        new DescribeListenerCertificatesCommand({ ListenerArn: listener.ListenerArn }),
      );
      const all = certificates.Certificates ?? [];
      const fallback = listener.Certificates?.[0]?.CertificateArn;
      const defaultArn = all.find((c) => c.IsDefault)?.CertificateArn ?? fallback;
      const others = all
        .filter((c) => !c.IsDefault && c.CertificateArn && c.CertificateArn !== defaultArn)
        .map((c) => c.CertificateArn!)
        .sort();
      certificateArns = defaultArn ? [defaultArn, ...others] : others;
    }
    listeners.push({
      loadBalancer,
      arn: listener.ListenerArn,
      port: listener.Port ?? 0,
      protocol: listener.Protocol ?? '',
      action: listenerAction(listener.DefaultActions ?? [], account.groupNames),
      certificateArns,
    });
  }
  return listeners;
}

async function describeRules(
  clients: EdgeClients,
  account: AccountEdge,
  listener: ActualListener,
): Promise<ActualRule[]> {
  const rules: ActualRule[] = [];
  let marker: string | undefined;
  do {
    const answer = await clients.elb.send(
      new DescribeRulesCommand({
        ListenerArn: listener.arn,
        PageSize: 400,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    for (const rule of answer.Rules ?? []) {
      if (rule.IsDefault || !rule.RuleArn) continue;
      const hosts = (rule.Conditions ?? [])
        .filter((c) => c.Field === 'host-header')
        .flatMap((c) => c.HostHeaderConfig?.Values ?? c.Values ?? [])
        .map((h) => h.toLowerCase());
      const forward = forwardTarget(rule.Actions ?? [], account.groupNames);
      rules.push({
        loadBalancer: listener.loadBalancer,
        listenerPort: listener.port,
        arn: rule.RuleArn,
        priority: Number(rule.Priority),
        hostnames: (rule.Conditions ?? []).length === 1 ? hosts : [...hosts, '(other conditions)'],
        targetGroup: forward,
      });
    }
    marker = answer.NextMarker;
  } while (marker);
  return rules;
}

/** A zone's alias A and CNAME records (cached); `tenantRecords` picks a tenant's from them. */
export async function readZoneRecords(
  clients: EdgeClients,
  cache: EdgeCache,
  hostedZoneId: string,
): Promise<ActualRecord[]> {
  let records = cache.zones.get(hostedZoneId);
  if (records) return records;
  records = [];
  // Route53 pages by the next record's name and type, not by a token.
  let next: { StartRecordName?: string; StartRecordType?: RRType; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await clients.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, MaxItems: 300, ...next }),
    );
    for (const set of page.ResourceRecordSets ?? []) {
      const record = asActualRecord(set as RecordSet);
      if (record) records.push(record);
    }
    if (!page.IsTruncated) break;
    next = {
      ...(page.NextRecordName ? { StartRecordName: page.NextRecordName } : {}),
      ...(page.NextRecordType ? { StartRecordType: page.NextRecordType } : {}),
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    };
  }
  cache.zones.fresh(hostedZoneId, records);
  return records;
}

/**
 * The tenant's records in a zone: alias A records to its load balancers (their DNS names start
 * with the load balancer's name, after `internal-` for internal ones), and the validation CNAMEs
 * of its own certificates — so tenants sharing a zone never take each other's records.
 */
export function tenantRecords(
  records: readonly ActualRecord[],
  tenant: string,
  certificates: readonly Pick<ActualCertificate, 'validationRecords'>[],
): ActualRecord[] {
  const names = [loadBalancerName(tenant, 'public'), loadBalancerName(tenant, 'internal')].map((n) =>
    n.toLowerCase(),
  );
  const validation = new Set(
    certificates.flatMap((c) => c.validationRecords.map((r) => normaliseDnsName(r.name))),
  );
  return records.filter((record) => {
    if (record.type === 'CNAME')
      return record.target.endsWith('.acm-validations.aws') && validation.has(record.name);
    const host = record.target.replace(/^internal-/, '');
    return names.some((name) => host.startsWith(`${name}-`) || host.startsWith(`${name}.`));
  });
}

/** A record set the edge could own (alias A or CNAME), in its normal form; others → undefined. */
export function asActualRecord(set: RecordSet): ActualRecord | undefined {
  const name = normaliseDnsName(set.Name ?? '');
  if (set.Type === 'A' && set.AliasTarget?.DNSName)
    return { name, type: 'A', target: normaliseDnsName(set.AliasTarget.DNSName), raw: set };
  if (set.Type === 'CNAME' && set.ResourceRecords?.[0]?.Value)
    return { name, type: 'CNAME', target: normaliseDnsName(set.ResourceRecords[0].Value), raw: set };
  return undefined;
}

function listenerAction(
  actions: readonly Action[],
  groupNames: ReadonlyMap<string, string>,
): ActualListenerAction {
  if (actions.length !== 1) return { type: 'other' };
  const action = actions[0]!;
  if (
    action.Type === 'redirect' &&
    action.RedirectConfig?.Protocol === 'HTTPS' &&
    action.RedirectConfig.Port === '443' &&
    action.RedirectConfig.StatusCode === 'HTTP_301'
  )
    return { type: 'redirect-to-https' };
  if (action.Type === 'fixed-response' && action.FixedResponseConfig?.StatusCode === '404')
    return { type: 'not-found' };
  const forward = forwardTarget(actions, groupNames);
  return forward ? { type: 'forward', targetGroup: forward } : { type: 'other' };
}

function forwardTarget(actions: readonly Action[], groupNames: ReadonlyMap<string, string>): string | null {
  if (actions.length !== 1 || actions[0]!.Type !== 'forward') return null;
  const arn =
    actions[0]!.TargetGroupArn ??
    (actions[0]!.ForwardConfig?.TargetGroups?.length === 1
      ? actions[0]!.ForwardConfig.TargetGroups[0]!.TargetGroupArn
      : undefined);
  return (arn && groupNames.get(arn)) ?? null;
}

function certificateStatus(status: CertificateStatus | string | undefined): ActualCertificate['status'] {
  return status === 'ISSUED' || status === 'PENDING_VALIDATION' || status === 'FAILED' ? status : 'OTHER';
}

function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined): EdgeTags {
  const map: EdgeTags = {};
  for (const tag of tags ?? []) if (tag.Key) map[tag.Key] = tag.Value ?? '';
  return map;
}

function owned(tags: EdgeTags, deployment: string): boolean {
  return (
    tags['slipway:managed'] === 'true' &&
    tags['slipway:deployment'] === deployment &&
    typeof tags['slipway:tenant'] === 'string'
  );
}
