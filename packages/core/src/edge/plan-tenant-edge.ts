import { certificateSets, isInZone } from './certificate-sets.js';
import { loadBalancerName, targetGroupName } from './edge-names.js';
import { rulePriorities } from './rule-priorities.js';
import type {
  DesiredListener,
  DesiredLoadBalancer,
  DesiredRecord,
  DesiredRule,
  DesiredTargetGroup,
  EdgeRefusal,
  EdgeServiceInput,
  EdgeTags,
  EdgeTarget,
  EdgeWait,
  PlanTenantEdgeInput,
  TenantEdgePlan,
} from './tenant-edge.js';

const DEFAULT_MAX_NAMES_PER_CERTIFICATE = 10;

/** The longest first name ACM takes in a certificate request (the subject's common name). */
const MAX_SUBJECT_LENGTH = 64;

/**
 * The AWS edge one tenant should have, from its services, policy, zone and the certificates ACM
 * holds for it. Pure and deterministic: the same input gives the same plan, names and order.
 *
 * - Services are served on the tenant's **public** (internet-facing) load balancer only when the
 *   policy's `permissions.publicLoadBalancers` allows it and they ask for `public`; every other
 *   service is served on the tenant's **internal** one. A service asking public without the
 *   permission is refused with the policy named (`PUBLIC_NOT_ALLOWED`) and served internally —
 *   never silently made public. Internal services never share the internet-facing ALB.
 * - Each load balancer: HTTP:80 redirecting to HTTPS, HTTPS:443 with the issued certificates
 *   (absent until one is issued; see `waiting`) answering 404 by default, a host-header rule
 *   per host name to the service's target group, and a listener per extra port.
 * - Route53: an alias A record per served host name, and the CNAMEs ACM asks for.
 * - No services → an empty plan: the adapter deletes everything the tenant has.
 *
 * @example
 * planTenantEdge({ tenant: 'acme', zone: { hostedZoneId: 'Z1', domain: 'acme.example.com' },
 *   publicLoadBalancers: true, network, certificates: [], services: [web] })
 * // → one internet-facing ALB `slw-…-p-acme`, a target group for web, a certificate request
 * //   for `*.acme.example.com`, an alias record, and `waiting` until ACM issues it.
 */
export function planTenantEdge(input: PlanTenantEdgeInput): TenantEdgePlan {
  const { tenant, zone } = input;
  const refusals: EdgeRefusal[] = [];
  const waiting: EdgeWait[] = [];
  const services = [...input.services].sort((a, b) =>
    compare(`${a.environment}/${a.service}`, `${b.environment}/${b.service}`),
  );

  // Which load balancer serves each service.
  const visibilityOf = new Map<EdgeServiceInput, 'public' | 'internal'>();
  for (const service of services) {
    if (service.visibility === 'public' && !input.publicLoadBalancers) {
      refusals.push({
        code: 'PUBLIC_NOT_ALLOWED',
        service: service.service,
        environment: service.environment,
        message: `${service.service} asks for public visibility, but the tenant's policy does not allow public load balancers (permissions.publicLoadBalancers = false); it is served on the internal load balancer only. Make it visibility: internal, or ask an admin for the permission.`,
        denial: {
          policy: 'permissions.publicLoadBalancers',
          requested: 'public',
          allowed: false,
          message: `public services are not allowed (permissions.publicLoadBalancers = false); make ${service.service} visibility: internal`,
        },
      });
    }
    visibilityOf.set(
      service,
      service.visibility === 'public' && input.publicLoadBalancers ? 'public' : 'internal',
    );
  }

  // Host names: in the zone, claimed once per tenant (the first service in order keeps one).
  const hostnamesOf = new Map<EdgeServiceInput, string[]>();
  const owner = new Map<string, EdgeServiceInput>();
  for (const service of services) {
    const served: string[] = [];
    for (const raw of [...new Set(service.hostnames.map(normaliseHostname))].sort()) {
      if (!isInZone(raw, zone.domain)) {
        refusals.push(
          refusal(
            'HOSTNAME_OUTSIDE_ZONE',
            service,
            `${raw} is not in the tenant's hosted zone ${zone.domain}; the edge serves only names in it.`,
          ),
        );
        continue;
      }
      const holder = owner.get(raw);
      if (holder) {
        refusals.push(
          refusal(
            'HOSTNAME_CONFLICT',
            service,
            `${raw} is already served by ${holder.environment}/${holder.service}; a host name goes to one service.`,
          ),
        );
        continue;
      }
      owner.set(raw, service);
      served.push(raw);
    }
    hostnamesOf.set(service, served);
  }

  // Certificates: desired from the host names; the issued ones are what HTTPS listeners carry.
  const allSets = certificateSets(
    tenant,
    zone.domain,
    [...owner.keys()],
    input.maxNamesPerCertificate ?? DEFAULT_MAX_NAMES_PER_CERTIFICATE,
  );
  // ACM refuses a certificate whose first name (its subject) is over 64 characters: say so, ask nothing.
  const sets = allSets.filter((set) => set.domains.some((domain) => domain.length <= MAX_SUBJECT_LENGTH));
  for (const set of allSets.filter((s) => !sets.includes(s)))
    waiting.push({
      what: 'certificate',
      message: `no certificate can be requested for ${set.domains.join(', ')}: ACM needs one name of at most ${MAX_SUBJECT_LENGTH} characters; give the tenant a shorter domain (SLIPWAY_APPS_DOMAIN or SLIPWAY_TENANT_ZONES)`,
    });
  const certificates = sets.map((set) => ({
    key: set.key,
    domains: set.domains,
    tags: { ...baseTags(tenant), 'slipway:certificate': set.key, 'slipway:zone': zone.hostedZoneId },
  }));
  const wantedKeys = new Set(sets.map((set) => set.key));
  const observed = [...input.certificates]
    .filter((certificate) => wantedKeys.has(certificate.key))
    .sort((a, b) => compare(a.key, b.key) || compare(a.arn, b.arn));
  const allIssued = sets.every((set) => observed.some((c) => c.key === set.key && c.status === 'ISSUED'));
  // While a new domain set waits for ACM, the old issued certificates keep serving HTTPS.
  const retainedCertificateArns = allIssued
    ? []
    : [...input.certificates]
        .filter((c) => !wantedKeys.has(c.key) && c.status === 'ISSUED')
        .map((c) => c.arn)
        .sort();
  const issuedArns = [
    ...observed.filter((c) => c.status === 'ISSUED').map((c) => c.arn),
    ...retainedCertificateArns,
  ];
  for (const set of sets) {
    const found = observed.find((c) => c.key === set.key);
    if (found?.status !== 'ISSUED')
      waiting.push({
        what: 'certificate',
        message: `the certificate for ${set.domains.join(', ')} is ${found ? found.status.toLowerCase().replace('_', ' ') : 'not requested yet'}; HTTPS for these names starts once ACM issues it`,
      });
  }

  const loadBalancers: DesiredLoadBalancer[] = [];
  const targetGroups: DesiredTargetGroup[] = [];
  const listeners: DesiredListener[] = [];
  const rules: DesiredRule[] = [];
  const records: DesiredRecord[] = [];

  for (const visibility of ['public', 'internal'] as const) {
    const members = services.filter((service) => visibilityOf.get(service) === visibility);
    if (members.length === 0) continue;
    const lbName = loadBalancerName(tenant, visibility);
    loadBalancers.push({
      name: lbName,
      scheme: visibility === 'public' ? 'internet-facing' : 'internal',
      subnets: [...input.network.subnets].sort(),
      securityGroups: [...input.network.securityGroups].sort(),
      tags: { ...baseTags(tenant), 'slipway:zone': zone.hostedZoneId, 'slipway:visibility': visibility },
    });
    listeners.push({
      loadBalancer: lbName,
      port: 80,
      protocol: 'HTTP',
      action: { type: 'redirect-to-https' },
      certificateArns: [],
      tags: baseTags(tenant),
    });
    const https = issuedArns.length > 0;
    if (https)
      listeners.push({
        loadBalancer: lbName,
        port: 443,
        protocol: 'HTTPS',
        action: { type: 'not-found' },
        certificateArns: issuedArns,
        tags: baseTags(tenant),
      });

    const hostTargets = new Map<string, string>();
    const extraPortOwner = new Map<number, EdgeServiceInput>();
    for (const service of members) {
      const main = targetGroup(input, lbName, service, service.port, service.targets);
      targetGroups.push(main);
      for (const hostname of hostnamesOf.get(service) ?? []) {
        hostTargets.set(hostname, main.name);
        records.push({ kind: 'alias', name: hostname, loadBalancer: lbName });
      }
      const extraPorts = [...(service.extraPorts ?? [])].sort((a, b) => a.listenerPort - b.listenerPort);
      for (const extra of extraPorts) {
        if (extra.listenerPort === 80 || extra.listenerPort === 443) {
          refusals.push(
            refusal(
              'RESERVED_PORT',
              service,
              `port ${extra.listenerPort} is the load balancer's own (HTTP redirect / HTTPS); pick another listener port.`,
            ),
          );
          continue;
        }
        const holder = extraPortOwner.get(extra.listenerPort);
        if (holder) {
          refusals.push(
            refusal(
              'PORT_CONFLICT',
              service,
              `port ${extra.listenerPort} on the ${visibility} load balancer is already taken by ${holder.environment}/${holder.service}.`,
            ),
          );
          continue;
        }
        extraPortOwner.set(extra.listenerPort, service);
        const group = targetGroup(input, lbName, service, extra.containerPort, extra.targets);
        if (!targetGroups.some((g) => g.name === group.name)) targetGroups.push(group);
        if (extra.protocol === 'HTTPS' && !https) continue; // waits with 443 for the certificate
        listeners.push({
          loadBalancer: lbName,
          port: extra.listenerPort,
          protocol: extra.protocol,
          action: { type: 'forward', targetGroup: group.name },
          certificateArns: extra.protocol === 'HTTPS' ? issuedArns : [],
          tags: { ...baseTags(tenant), 'slipway:service': service.service },
        });
      }
    }
    if (https) {
      const priorities = rulePriorities([...hostTargets.keys()]);
      for (const [hostname, priority] of [...priorities].sort((a, b) => a[1] - b[1])) {
        const group = hostTargets.get(hostname)!;
        const service = targetGroups.find((g) => g.name === group)!;
        rules.push({
          loadBalancer: lbName,
          listenerPort: 443,
          priority,
          hostname,
          targetGroup: group,
          tags: { ...baseTags(tenant), 'slipway:service': service.service },
        });
      }
    }
  }

  // ACM's validation CNAMEs: one per distinct name (the same domain gets the same record).
  const validation = new Map<string, string>();
  for (const certificate of observed)
    for (const record of certificate.validationRecords) {
      const name = normaliseHostname(record.name);
      if (!validation.has(name)) validation.set(name, record.value);
    }
  for (const [name, value] of [...validation].sort((a, b) => compare(a[0], b[0])))
    records.push({ kind: 'validation', name, value });
  records.sort((a, b) => compare(a.name, b.name));
  listeners.sort((a, b) => compare(a.loadBalancer, b.loadBalancer) || a.port - b.port);

  return {
    tenant,
    hostedZoneId: zone.hostedZoneId,
    loadBalancers,
    targetGroups,
    listeners,
    rules,
    certificates,
    records,
    retainedCertificateArns,
    refusals,
    waiting,
  };
}

function targetGroup(
  input: PlanTenantEdgeInput,
  loadBalancer: string,
  service: EdgeServiceInput,
  port: number,
  targets: readonly EdgeTarget[],
): DesiredTargetGroup {
  // ALB health checks: interval 5–300 s, timeout 2–120 s and shorter than the interval.
  const intervalSeconds = clamp(Math.round(service.health.intervalMs / 1000), 5, 300);
  const timeoutSeconds = Math.min(
    clamp(Math.round(service.health.timeoutMs / 1000), 2, 120),
    intervalSeconds - 1,
  );
  return {
    name: targetGroupName({
      tenant: input.tenant,
      environment: service.environment,
      service: service.service,
      port,
    }),
    loadBalancer,
    service: service.service,
    environment: service.environment,
    port,
    vpcId: input.network.vpcId,
    healthCheck: { path: service.health.path, intervalSeconds, timeoutSeconds },
    deregistrationDelaySeconds: clamp(Math.ceil(service.drainMs / 1000), 0, 3600),
    targets: uniqueTargets(targets),
    tags: {
      ...baseTags(input.tenant),
      'slipway:service': service.service,
      'slipway:environment': service.environment,
    },
  };
}

function uniqueTargets(targets: readonly EdgeTarget[]): EdgeTarget[] {
  const seen = new Map<string, EdgeTarget>();
  for (const target of targets)
    seen.set(`${target.address}:${target.port}`, { address: target.address, port: target.port });
  return [...seen.values()].sort((a, b) => compare(a.address, b.address) || a.port - b.port);
}

function refusal(code: EdgeRefusal['code'], service: EdgeServiceInput, message: string): EdgeRefusal {
  return { code, service: service.service, environment: service.environment, message };
}

/** The tags every resource of the tenant carries: cost reports and leak checks go by them. */
export function baseTags(tenant: string): EdgeTags {
  return { 'slipway:managed': 'true', 'slipway:tenant': tenant };
}

function normaliseHostname(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
