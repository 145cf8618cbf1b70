import type { DesiredListenerAction, EdgeScheme, EdgeTags, EdgeTarget } from '@slipway/core';

// What AWS holds for one tenant, as the adapter read it (or remembers having made it). Only
// Slipway's resources: ELBv2 names with the `slw-` prefix and our tags, certificates with our
// tags, and in the tenant's zone the records that point at its load balancers or validate its
// certificates. Plain data: the diff compares it with the plan.

export interface ActualLoadBalancer {
  name: string;
  arn: string;
  scheme: EdgeScheme;
  dnsName: string;
  canonicalHostedZoneId: string;
  subnets: string[];
  securityGroups: string[];
}

export interface ActualTargetGroup {
  name: string;
  arn: string;
  port: number;
  vpcId: string;
  healthCheck: { path: string; intervalSeconds: number; timeoutSeconds: number };
  deregistrationDelaySeconds: number;
  /** Registered and not draining, sorted by address then port. */
  targets: EdgeTarget[];
  /** Deregistered targets the ALB is still draining; the group is deleted only once this is 0. */
  drainingTargets: number;
}

/** A listener's default action, or `other` for one Slipway did not set (it gets replaced). */
export type ActualListenerAction = DesiredListenerAction | { type: 'other' };

export interface ActualListener {
  loadBalancer: string;
  arn: string;
  port: number;
  protocol: string;
  action: ActualListenerAction;
  /** The default certificate first, then the others sorted. */
  certificateArns: string[];
}

export interface ActualRule {
  loadBalancer: string;
  listenerPort: number;
  arn: string;
  priority: number;
  /** Host-header values, lowercase; a rule Slipway made has exactly one. */
  hostnames: string[];
  /** The forward target group's name, or null when the rule does something else. */
  targetGroup: string | null;
}

export interface ActualCertificate {
  key: string;
  arn: string;
  domains: string[];
  status: 'PENDING_VALIDATION' | 'ISSUED' | 'FAILED' | 'OTHER';
  validationRecords: { name: string; value: string }[];
}

/** A record set in the tenant's zone that Slipway owns, exactly as Route53 returned it (DELETE needs it verbatim). */
export interface ActualRecord {
  name: string;
  type: 'A' | 'CNAME';
  /** A: the alias's DNS name, lowercase without trailing dot; CNAME: the value, likewise. */
  target: string;
  raw: RecordSet;
}

/** The subset of Route53's ResourceRecordSet the adapter reads and writes. */
export interface RecordSet {
  Name: string;
  Type: 'A' | 'CNAME';
  TTL?: number;
  ResourceRecords?: { Value: string }[];
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
}

export interface ActualTenantEdge {
  tenant: string;
  loadBalancers: ActualLoadBalancer[];
  targetGroups: ActualTargetGroup[];
  listeners: ActualListener[];
  rules: ActualRule[];
  certificates: ActualCertificate[];
  records: ActualRecord[];
}

export function emptyActual(tenant: string): ActualTenantEdge {
  return {
    tenant,
    loadBalancers: [],
    targetGroups: [],
    listeners: [],
    rules: [],
    certificates: [],
    records: [],
  };
}

export type { EdgeTags };
