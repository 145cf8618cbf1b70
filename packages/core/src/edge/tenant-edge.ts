import type { PolicyDenial } from '../policy/policy-decision.js';

// The AWS edge of one tenant: what the planner is given and what it asks for. Plain data, so
// the adapter (packages/cloud) can diff it against what AWS reports and tests can compare it.

/** Where a service's traffic goes: one healthy allocation's address and host port. */
export interface EdgeTarget {
  /** An IPv4 address in the VPC (target type `ip`). */
  address: string;
  port: number;
}

/** A port a service asks the load balancer to listen on besides 80/443 (Duplo's "any port"). */
export interface EdgeExtraPort {
  /** The port the load balancer listens on, e.g. 8443. Never 80 or 443. */
  listenerPort: number;
  /** HTTPS uses the tenant's certificates (and waits for them); HTTP is plain. */
  protocol: 'HTTP' | 'HTTPS';
  /** The container port behind it (the target group's port). */
  containerPort: number;
  /** Healthy allocations' host ports mapped to `containerPort`. */
  targets: EdgeTarget[];
}

/** One service of the tenant in one environment, as the edge serves it. */
export interface EdgeServiceInput {
  service: string;
  environment: string;
  visibility: 'public' | 'internal';
  /** The container port the service answers on (the main target group's port). */
  port: number;
  /** Host names routed to the service; only those in the tenant's hosted zone are served. */
  hostnames: string[];
  health: { path: string; intervalMs: number; timeoutMs: number };
  /** How long a deregistered target keeps its in-flight requests (deregistration delay). */
  drainMs: number;
  /** Healthy, non-draining allocations on `port`. */
  targets: EdgeTarget[];
  extraPorts?: EdgeExtraPort[];
}

/** The tenant's Route53 hosted zone: every served host name is in it. */
export interface EdgeZone {
  hostedZoneId: string;
  /** The zone's domain, e.g. `acme.apps.example.com` (lowercase, no trailing dot). */
  domain: string;
}

/** Where load balancers are made. */
export interface EdgeNetwork {
  vpcId: string;
  /** At least two subnets in different availability zones (an ALB needs two). */
  subnets: string[];
  securityGroups: string[];
}

/** An ACM certificate as the adapter found it (matched to a domain set by its `slipway:certificate` tag). */
export interface ObservedCertificate {
  key: string;
  arn: string;
  status: 'PENDING_VALIDATION' | 'ISSUED' | 'FAILED' | 'OTHER';
  /** The CNAMEs ACM asks for (empty until ACM has computed them). */
  validationRecords: { name: string; value: string }[];
}

export interface TenantEdgeInput {
  tenant: string;
  zone: EdgeZone;
  /** The tenant policy's `permissions.publicLoadBalancers`. */
  publicLoadBalancers: boolean;
  services: EdgeServiceInput[];
}

export interface PlanTenantEdgeInput extends TenantEdgeInput {
  network: EdgeNetwork;
  /** The tenant's certificates found in ACM; their status decides which HTTPS listeners can exist. */
  certificates: readonly ObservedCertificate[];
  /** At most this many names per certificate (ACM's default quota is 10). Default 10. */
  maxNamesPerCertificate?: number;
}

export type EdgeTags = Record<string, string>;

export type EdgeScheme = 'internet-facing' | 'internal';

export interface DesiredLoadBalancer {
  name: string;
  scheme: EdgeScheme;
  subnets: string[];
  securityGroups: string[];
  tags: EdgeTags;
}

export interface DesiredTargetGroup {
  name: string;
  loadBalancer: string;
  service: string;
  environment: string;
  port: number;
  vpcId: string;
  healthCheck: { path: string; intervalSeconds: number; timeoutSeconds: number };
  deregistrationDelaySeconds: number;
  /** Sorted by address, then port. */
  targets: EdgeTarget[];
  tags: EdgeTags;
}

export type DesiredListenerAction =
  | { type: 'redirect-to-https' }
  | { type: 'not-found' }
  | { type: 'forward'; targetGroup: string };

export interface DesiredListener {
  loadBalancer: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  action: DesiredListenerAction;
  /** HTTPS only: issued certificate ARNs, sorted; the first is the listener's default (SNI picks among all). */
  certificateArns: string[];
  tags: EdgeTags;
}

export interface DesiredRule {
  loadBalancer: string;
  listenerPort: number;
  /** 1–50,000, unique per listener, derived from the host name so it stays put as others come and go. */
  priority: number;
  hostname: string;
  targetGroup: string;
  tags: EdgeTags;
}

export interface DesiredCertificate {
  /** Names the domain set: a hash of its sorted names, stored as the `slipway:certificate` tag. */
  key: string;
  /** Sorted; the first is the certificate's domain name, all are subject alternative names. */
  domains: string[];
  tags: EdgeTags;
}

export type DesiredRecord =
  | { kind: 'alias'; name: string; loadBalancer: string }
  | { kind: 'validation'; name: string; value: string };

export type EdgeRefusalCode =
  | 'PUBLIC_NOT_ALLOWED'
  | 'HOSTNAME_OUTSIDE_ZONE'
  | 'HOSTNAME_CONFLICT'
  | 'PORT_CONFLICT'
  | 'RESERVED_PORT';

/** Something a service asked for that the edge does not do, and why. */
export interface EdgeRefusal {
  code: EdgeRefusalCode;
  service: string;
  environment: string;
  message: string;
  /** For policy refusals: the setting that refused, as the policy evaluators report it. */
  denial?: PolicyDenial;
}

/** Waiting on something outside our control (ACM issuance), not a refusal. */
export interface EdgeWait {
  what: 'certificate';
  message: string;
}

export interface TenantEdgePlan {
  tenant: string;
  hostedZoneId: string;
  /** Zero, one or two: the tenant's public and internal load balancers, each only when needed. */
  loadBalancers: DesiredLoadBalancer[];
  targetGroups: DesiredTargetGroup[];
  listeners: DesiredListener[];
  rules: DesiredRule[];
  certificates: DesiredCertificate[];
  records: DesiredRecord[];
  /**
   * Issued certificates of domain sets no longer wanted, kept on the listeners (and not deleted)
   * while a wanted set waits for ACM — so a changed domain set never takes HTTPS down.
   */
  retainedCertificateArns: string[];
  refusals: EdgeRefusal[];
  waiting: EdgeWait[];
}
