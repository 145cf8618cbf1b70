import { DeleteCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { type Change, ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { DesiredRecord } from '@slipway/core';
import type { RecordSet } from './actual-edge.js';
import { type ApplyContext, type EdgeArns, tagList, Unresolved } from './apply-context.js';
import type { EdgeAction } from './edge-actions.js';
import { asActualRecord } from './read-edge.js';

export type DnsCertificateAction = Extract<
  EdgeAction,
  { kind: 'request-certificate' | 'delete-certificate' | 'upsert-records' | 'delete-records' }
>;

/** ACM certificates and Route53 records; the zone cache learns each change. */
export async function applyDnsCertificateAction(
  context: ApplyContext,
  action: DnsCertificateAction,
): Promise<void> {
  const { clients, cache, arns } = context;
  const _elb = clients.elb;
  switch (action.kind) {
    case 'request-certificate': {
      const tags = { ...action.tags, ...context.extraTags };
      const answer = await clients.acm.send(
        new RequestCertificateCommand({
          // ACM takes at most 64 characters in the first name (the subject's CN); SANs up to 253.
          DomainName: action.domains.find((domain) => domain.length <= 64) ?? action.domains[0],
          SubjectAlternativeNames: action.domains,
          ValidationMethod: 'DNS',
          IdempotencyToken: action.key,
          Tags: tagList(tags),
        }),
      );
      if (answer.CertificateArn) cache.tags.set(answer.CertificateArn, tags); // no ListTags next pass
      return;
    }
    case 'delete-certificate': {
      await clients.acm.send(new DeleteCertificateCommand({ CertificateArn: action.arn }));
      return;
    }
    case 'upsert-records': {
      const sets = action.records.map((record) => recordSet(record, arns));
      await changeRecords(context, action.hostedZoneId, 'UPSERT', sets);
      const replaced = new Set(sets.map((s) => `${s.Name.toLowerCase()}:${s.Type}`));
      cache.zones.update(action.hostedZoneId, (records) => [
        ...records.filter((r) => !replaced.has(`${r.name}.:${r.type}`)),
        ...sets.flatMap((s) => asActualRecord(s) ?? []),
      ]);
      return;
    }
    case 'delete-records': {
      await changeRecords(context, action.hostedZoneId, 'DELETE', action.records);
      const gone = new Set(action.records.map((s) => `${s.Name.toLowerCase().replace(/\.$/, '')}:${s.Type}`));
      cache.zones.update(action.hostedZoneId, (records) =>
        records.filter((r) => !gone.has(`${r.name}:${r.type}`)),
      );
      return;
    }
  }
}

async function changeRecords(
  context: ApplyContext,
  hostedZoneId: string,
  action: 'UPSERT' | 'DELETE',
  sets: readonly RecordSet[],
): Promise<void> {
  // Route53 takes at most 1,000 changes per batch.
  for (let start = 0; start < sets.length; start += 1000) {
    const changes: Change[] = sets
      .slice(start, start + 1000)
      .map((set) => ({ Action: action, ResourceRecordSet: set }));
    await context.clients.route53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: { Changes: changes } }),
    );
  }
}

/** What the edge writes for a record; the name carries Route53's trailing dot, as it answers. */
function recordSet(record: DesiredRecord, arns: EdgeArns): RecordSet {
  if (record.kind === 'validation')
    return { Name: `${record.name}.`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: record.value }] };
  const lb = arns.loadBalancers.get(record.loadBalancer);
  if (!lb) throw new Unresolved(`no load balancer ${record.loadBalancer} for ${record.name}`);
  return {
    Name: `${record.name}.`,
    Type: 'A',
    AliasTarget: { HostedZoneId: lb.canonicalHostedZoneId, DNSName: lb.dnsName, EvaluateTargetHealth: true },
  };
}
