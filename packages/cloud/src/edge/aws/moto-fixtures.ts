import {
  DescribeCertificateCommand,
  ListTagsForCertificateCommand,
  paginateListCertificates,
} from '@aws-sdk/client-acm';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import type { EdgeNetwork } from '@slipway/core';
import type { EdgeClients } from './edge-clients.js';

// For tests and benches against moto_server only: the default VPC's network, throwaway hosted
// zones, and a leak check that lists every resource type the edge makes.

/**
 * moto's default VPC and two of its subnets, read with EC2's query API (no EC2 client needed:
 * moto takes any signature, and reads the region from the Authorization header).
 */
export async function motoDefaultNetwork(endpoint: string, region: string): Promise<EdgeNetwork> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: 'Action=DescribeSubnets&Version=2016-11-15',
  });
  const text = await response.text();
  const subnets = [...text.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]!);
  const vpcId = /<vpcId>([^<]+)<\/vpcId>/.exec(text)?.[1];
  if (!response.ok || !vpcId || subnets.length < 2)
    throw new Error(`moto at ${endpoint} gave no default VPC with two subnets (HTTP ${response.status})`);
  return { vpcId, subnets: subnets.slice(0, 2), securityGroups: [] };
}

/** A fresh public hosted zone for `domain`; returns its id without the `/hostedzone/` prefix. */
export async function createHostedZone(clients: EdgeClients, domain: string): Promise<string> {
  const answer = await clients.route53.send(
    new CreateHostedZoneCommand({ Name: domain, CallerReference: `${domain}-${process.hrtime.bigint()}` }),
  );
  return answer.HostedZone!.Id!.replace('/hostedzone/', '');
}

/** Deletes every record but the zone's own NS/SOA, then the zone. */
export async function deleteHostedZone(clients: EdgeClients, hostedZoneId: string): Promise<void> {
  const sets = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
  const extra = (sets.ResourceRecordSets ?? []).filter((s) => s.Type !== 'NS' && s.Type !== 'SOA');
  if (extra.length > 0)
    await clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: { Changes: extra.map((set) => ({ Action: 'DELETE', ResourceRecordSet: set })) },
      }),
    );
  await clients.route53.send(new DeleteHostedZoneCommand({ Id: hostedZoneId }));
}

/** Everything tagged with this tenant (and `slipway:managed=true`), by type; records in its zone too. */
export interface TaggedEdgeResources {
  loadBalancers: string[];
  targetGroups: string[];
  listeners: string[];
  rules: string[];
  certificates: string[];
  /** Alias A and ACM CNAME records left in the zone. */
  records: string[];
}

/** Lists every resource type the edge makes, for leak checks after a test or bench. */
export async function listTenantEdgeResources(
  clients: EdgeClients,
  tenant: string,
  hostedZoneId?: string,
): Promise<TaggedEdgeResources> {
  const result: TaggedEdgeResources = {
    loadBalancers: [],
    targetGroups: [],
    listeners: [],
    rules: [],
    certificates: [],
    records: [],
  };
  const isOurs = (tags: { Key?: string; Value?: string }[] | undefined) =>
    (tags ?? []).some((t) => t.Key === 'slipway:tenant' && t.Value === tenant) &&
    (tags ?? []).some((t) => t.Key === 'slipway:managed' && t.Value === 'true');
  const tagged = async (arns: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < arns.length; i += 20) {
      const batch = arns.slice(i, i + 20);
      // One deleted meanwhile fails the whole call: then ask one by one and skip the gone.
      const answers = (await goneIsEmpty(
        clients.elb.send(new DescribeTagsCommand({ ResourceArns: batch })),
      )) ?? {
        TagDescriptions: (
          await Promise.all(
            batch.map((arn) =>
              goneIsEmpty(clients.elb.send(new DescribeTagsCommand({ ResourceArns: [arn] }))),
            ),
          )
        ).flatMap((answer) => answer?.TagDescriptions ?? []),
      };
      for (const d of answers.TagDescriptions ?? []) if (isOurs(d.Tags)) out.push(d.ResourceArn!);
    }
    return out;
  };
  const lbArns: string[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: clients.elb }, {}))
    for (const lb of page.LoadBalancers ?? []) lbArns.push(lb.LoadBalancerArn!);
  const listenerArns: string[] = [];
  const ruleArns: string[] = [];
  for (const arn of lbArns) {
    const listeners = await goneIsEmpty(
      clients.elb.send(new DescribeListenersCommand({ LoadBalancerArn: arn })),
    );
    for (const listener of listeners?.Listeners ?? []) {
      listenerArns.push(listener.ListenerArn!);
      const rules = await goneIsEmpty(
        clients.elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn! })),
      );
      for (const rule of rules?.Rules ?? []) if (!rule.IsDefault) ruleArns.push(rule.RuleArn!);
    }
  }
  const groupArns: string[] = [];
  for await (const page of paginateDescribeTargetGroups({ client: clients.elb }, {}))
    for (const group of page.TargetGroups ?? []) groupArns.push(group.TargetGroupArn!);
  result.loadBalancers = await tagged(lbArns);
  result.listeners = await tagged(listenerArns);
  result.rules = await tagged(ruleArns);
  result.targetGroups = await tagged(groupArns);
  for await (const page of paginateListCertificates({ client: clients.acm }, {}))
    for (const summary of page.CertificateSummaryList ?? []) {
      const tags = await goneIsEmpty(
        clients.acm.send(new ListTagsForCertificateCommand({ CertificateArn: summary.CertificateArn! })),
      );
      if (isOurs(tags?.Tags)) result.certificates.push(summary.CertificateArn!);
    }
  if (hostedZoneId) {
    const sets = await clients.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }),
    );
    for (const set of sets.ResourceRecordSets ?? [])
      if (set.Type === 'A' || set.Type === 'CNAME') result.records.push(`${set.Type} ${set.Name}`);
  }
  return result;
}

/** The domains and validation records of one certificate, as ACM reports them. */
export async function describeCertificate(clients: EdgeClients, arn: string) {
  const answer = await clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  return answer.Certificate;
}

/** A tenant's load balancers (name → scheme) and target groups (name → registered, non-draining targets). */
export async function describeTenantEdge(
  clients: EdgeClients,
  tenant: string,
): Promise<{ loadBalancers: Record<string, string>; targets: Record<string, string[]> }> {
  const resources = await listTenantEdgeResources(clients, tenant);
  const loadBalancers: Record<string, string> = {};
  for await (const page of paginateDescribeLoadBalancers({ client: clients.elb }, {}))
    for (const lb of page.LoadBalancers ?? [])
      if (resources.loadBalancers.includes(lb.LoadBalancerArn!))
        loadBalancers[lb.LoadBalancerName!] = lb.Scheme!;
  const targets: Record<string, string[]> = {};
  for await (const page of paginateDescribeTargetGroups({ client: clients.elb }, {}))
    for (const group of page.TargetGroups ?? []) {
      if (!resources.targetGroups.includes(group.TargetGroupArn!)) continue;
      const health = await goneIsEmpty(
        clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn! })),
      );
      if (!health) continue;
      targets[group.TargetGroupName!] = (health.TargetHealthDescriptions ?? [])
        .filter((t) => t.TargetHealth?.State !== 'draining')
        .map((t) => `${t.Target!.Id}:${t.Target!.Port}`)
        .sort();
    }
  return { loadBalancers, targets };
}

/** A resource deleted between its listing and its description (an edge working meanwhile) is not there. */
async function goneIsEmpty<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (/NotFound/.test((error as Error).name)) return undefined;
    throw error;
  }
}
