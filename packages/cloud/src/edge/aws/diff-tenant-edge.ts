import type {
  DesiredListener,
  DesiredRecord,
  EdgeTarget,
  ObservedCertificate,
  TenantEdgePlan,
} from '@slipway/core';
import type { ActualCertificate, ActualListenerAction, ActualTenantEdge } from './actual-edge.js';
import type { EdgeAction } from './edge-actions.js';

/**
 * The minimum calls that turn `actual` into `plan`, as data (pure; nothing here talks to AWS).
 * Equal state → no action, which is what makes a resync free of mutating calls. Resources that
 * cannot be changed in place (a load balancer's scheme) are deleted in this pass and made again
 * in the next. A target group leaves in two passes: its targets are deregistered (the ALB drains
 * them for the service's drain time), and once none is left draining it is deleted.
 */
export function diffTenantEdge(plan: TenantEdgePlan, actual: ActualTenantEdge): EdgeAction[] {
  const actions: EdgeAction[] = [];

  // Certificates: one per domain set; duplicates of a set (a request retried) are dropped.
  const keptCertificates = new Map<string, ActualCertificate>();
  for (const certificate of preferredCertificates(actual.certificates))
    if (!keptCertificates.has(certificate.key)) keptCertificates.set(certificate.key, certificate);
  const wantedKeys = new Set(plan.certificates.map((c) => c.key));
  for (const certificate of plan.certificates)
    if (!keptCertificates.has(certificate.key))
      actions.push({
        kind: 'request-certificate',
        key: certificate.key,
        domains: certificate.domains,
        tags: certificate.tags,
      });
  const retained = new Set(plan.retainedCertificateArns);
  for (const certificate of actual.certificates)
    if (retained.has(certificate.arn)) continue;
    else if (!wantedKeys.has(certificate.key) || keptCertificates.get(certificate.key) !== certificate)
      actions.push({ kind: 'delete-certificate', arn: certificate.arn });

  // Target groups and their targets.
  const actualGroups = new Map(actual.targetGroups.map((g) => [g.name, g]));
  const wantedGroups = new Set(plan.targetGroups.map((g) => g.name));
  for (const group of plan.targetGroups) {
    const found = actualGroups.get(group.name);
    if (!found) {
      actions.push({ kind: 'create-target-group', group });
      if (group.targets.length > 0)
        actions.push({ kind: 'register-targets', targetGroup: group.name, targets: group.targets });
      continue;
    }
    const health = found.healthCheck;
    if (
      health.path !== group.healthCheck.path ||
      health.intervalSeconds !== group.healthCheck.intervalSeconds ||
      health.timeoutSeconds !== group.healthCheck.timeoutSeconds
    )
      actions.push({ kind: 'modify-health-check', targetGroup: group.name, healthCheck: group.healthCheck });
    if (found.deregistrationDelaySeconds !== group.deregistrationDelaySeconds)
      actions.push({
        kind: 'set-deregistration-delay',
        targetGroup: group.name,
        seconds: group.deregistrationDelaySeconds,
      });
    const added = minus(group.targets, found.targets);
    const removed = minus(found.targets, group.targets);
    if (added.length > 0) actions.push({ kind: 'register-targets', targetGroup: group.name, targets: added });
    if (removed.length > 0)
      actions.push({ kind: 'deregister-targets', targetGroup: group.name, targets: removed });
  }
  for (const group of actual.targetGroups) {
    if (wantedGroups.has(group.name)) continue;
    if (group.targets.length > 0)
      actions.push({ kind: 'deregister-targets', targetGroup: group.name, targets: group.targets });
    else if (group.drainingTargets === 0)
      actions.push({ kind: 'delete-target-group', name: group.name, arn: group.arn });
  }

  // Load balancers: made, repaired, or (scheme changed, or no longer wanted) deleted.
  const actualBalancers = new Map(actual.loadBalancers.map((lb) => [lb.name, lb]));
  const wantedBalancers = new Map(plan.loadBalancers.map((lb) => [lb.name, lb]));
  /** Load balancers whose listeners, rules and records can be compared now. */
  const standing = new Set<string>();
  /** Being made in this pass: everything under them is new. */
  const fresh = new Set<string>();
  for (const lb of plan.loadBalancers) {
    const found = actualBalancers.get(lb.name);
    if (!found) {
      actions.push({ kind: 'create-load-balancer', loadBalancer: lb });
      fresh.add(lb.name);
      continue;
    }
    if (found.scheme !== lb.scheme) continue; // deleted below; made again next pass
    standing.add(lb.name);
    if (!sameSet(found.subnets, lb.subnets))
      actions.push({ kind: 'set-subnets', loadBalancer: lb.name, subnets: lb.subnets });
    if (!sameSet(found.securityGroups, lb.securityGroups))
      actions.push({ kind: 'set-security-groups', loadBalancer: lb.name, securityGroups: lb.securityGroups });
  }
  for (const lb of actual.loadBalancers)
    if (wantedBalancers.get(lb.name)?.scheme !== lb.scheme)
      actions.push({ kind: 'delete-load-balancer', name: lb.name, arn: lb.arn });

  // Listeners (a deleted load balancer takes its listeners and rules with it).
  const listenerKey = (l: { loadBalancer: string; port: number }) => `${l.loadBalancer}:${l.port}`;
  const actualListeners = new Map(
    actual.listeners.filter((l) => standing.has(l.loadBalancer)).map((l) => [listenerKey(l), l]),
  );
  const freshListeners = new Set<string>();
  const wantedListeners = new Set<string>();
  for (const listener of plan.listeners) {
    if (!standing.has(listener.loadBalancer) && !fresh.has(listener.loadBalancer)) continue;
    wantedListeners.add(listenerKey(listener));
    const found = actualListeners.get(listenerKey(listener));
    if (!found) {
      actions.push({ kind: 'create-listener', listener });
      freshListeners.add(listenerKey(listener));
      continue;
    }
    const [defaultArn, ...others] = listener.certificateArns;
    if (
      found.protocol !== listener.protocol ||
      !sameAction(found.action, listener) ||
      found.certificateArns[0] !== defaultArn
    )
      actions.push({ kind: 'modify-listener', listenerArn: found.arn, listener });
    const have = new Set(found.certificateArns.slice(1));
    const addCertificates = others.filter((arn) => !have.has(arn));
    const removeCertificates = found.certificateArns
      .slice(1)
      .filter((arn) => !listener.certificateArns.includes(arn));
    if (addCertificates.length > 0)
      actions.push({
        kind: 'add-listener-certificates',
        loadBalancer: listener.loadBalancer,
        port: listener.port,
        certificateArns: addCertificates,
      });
    if (removeCertificates.length > 0)
      actions.push({
        kind: 'remove-listener-certificates',
        listenerArn: found.arn,
        certificateArns: removeCertificates,
      });
  }
  for (const [key, listener] of actualListeners)
    if (!wantedListeners.has(key)) actions.push({ kind: 'delete-listener', listenerArn: listener.arn });

  // Rules: matched by host name on their listener.
  const staleRules: string[] = [];
  const priorities: { ruleArn: string; priority: number }[] = [];
  const keptRuleKeys = new Set<string>();
  const actualRules = new Map<string, (typeof actual.rules)[number]>();
  for (const rule of actual.rules) {
    const listener = listenerKey({ loadBalancer: rule.loadBalancer, port: rule.listenerPort });
    if (!actualListeners.has(listener) || !wantedListeners.has(listener)) continue; // goes with its listener
    const key = `${listener}:${rule.hostnames[0] ?? ''}`;
    if (rule.hostnames.length === 1 && !actualRules.has(key)) actualRules.set(key, rule);
    else staleRules.push(rule.arn);
  }
  for (const rule of plan.rules) {
    const listener = listenerKey({ loadBalancer: rule.loadBalancer, port: rule.listenerPort });
    if (!wantedListeners.has(listener)) continue;
    const key = `${listener}:${rule.hostname}`;
    const found = freshListeners.has(listener) ? undefined : actualRules.get(key);
    if (!found) {
      actions.push({ kind: 'create-rule', rule });
      continue;
    }
    keptRuleKeys.add(key);
    if (found.priority !== rule.priority) priorities.push({ ruleArn: found.arn, priority: rule.priority });
    if (found.targetGroup !== rule.targetGroup)
      actions.push({ kind: 'modify-rule', ruleArn: found.arn, rule });
  }
  for (const [key, rule] of actualRules) if (!keptRuleKeys.has(key)) staleRules.push(rule.arn);
  if (staleRules.length > 0) actions.push({ kind: 'delete-rules', ruleArns: staleRules.sort() });
  if (priorities.length > 0) actions.push({ kind: 'set-rule-priorities', priorities });

  // Records: aliases to standing or fresh load balancers, validation CNAMEs; ours not wanted go.
  const upserts: DesiredRecord[] = [];
  const wantedRecords = new Set<string>();
  for (const record of plan.records) {
    if (record.kind === 'alias') {
      wantedRecords.add(`${record.name}:A`);
      if (!standing.has(record.loadBalancer) && !fresh.has(record.loadBalancer)) continue;
      const lb = actualBalancers.get(record.loadBalancer);
      const found = actual.records.find((r) => r.name === record.name && r.type === 'A');
      if (fresh.has(record.loadBalancer) || !lb || found?.target !== normaliseDnsName(lb.dnsName))
        upserts.push(record);
    } else {
      wantedRecords.add(`${record.name}:CNAME`);
      const found = actual.records.find((r) => r.name === record.name && r.type === 'CNAME');
      if (found?.target !== normaliseDnsName(record.value)) upserts.push(record);
    }
  }
  if (upserts.length > 0)
    actions.push({ kind: 'upsert-records', hostedZoneId: plan.hostedZoneId, records: upserts });
  const staleRecords = actual.records
    .filter((r) => !wantedRecords.has(`${r.name}:${r.type}`))
    .map((r) => r.raw);
  if (staleRecords.length > 0)
    actions.push({ kind: 'delete-records', hostedZoneId: plan.hostedZoneId, records: staleRecords });

  return actions;
}

/** The certificates the planner may use: one per key, the issued one preferred. */
export function observedCertificates(actual: ActualTenantEdge): ObservedCertificate[] {
  const kept = new Map<string, ActualCertificate>();
  for (const certificate of preferredCertificates(actual.certificates))
    if (!kept.has(certificate.key)) kept.set(certificate.key, certificate);
  return [...kept.values()].map(({ key, arn, status, validationRecords }) => ({
    key,
    arn,
    status,
    validationRecords,
  }));
}

function preferredCertificates(certificates: readonly ActualCertificate[]): ActualCertificate[] {
  const rank = (c: ActualCertificate) =>
    c.status === 'ISSUED' ? 0 : c.status === 'PENDING_VALIDATION' ? 1 : 2;
  return [...certificates].sort((a, b) => rank(a) - rank(b) || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

function sameAction(found: ActualListenerAction, listener: DesiredListener): boolean {
  const wanted = listener.action;
  if (found.type !== wanted.type) return false;
  return found.type !== 'forward' || wanted.type !== 'forward' || found.targetGroup === wanted.targetGroup;
}

function minus(a: readonly EdgeTarget[], b: readonly EdgeTarget[]): EdgeTarget[] {
  const other = new Set(b.map((t) => `${t.address}:${t.port}`));
  return a.filter((t) => !other.has(`${t.address}:${t.port}`));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}

/** Lowercase, without the trailing dot and the `dualstack.` an alias may carry. */
export function normaliseDnsName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^dualstack\./, '');
}
