import type { TenantEdgeReport } from '@slipway/cloud';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ServiceVerdicts, verdictField } from '../redis/service-verdicts.js';

/**
 * What the AWS edge made of one service at its last pass, shown on the service (API, CLI,
 * dashboard). `serving`: AWS matches the plan; `waiting`: on ACM to issue a certificate;
 * `failing`: a call failed, the next pass tries again; `refused`: the edge will not serve it as
 * asked (policy, a name outside the tenant's zone…) until the service or the policy changes.
 */
export const serviceEdgeStatusSchema = z
  .object({
    state: z.enum(['serving', 'waiting', 'failing', 'refused']),
    messages: z.array(z.string()),
    /** When the last pass ran (ISO 8601). */
    at: z.string(),
  })
  .meta({ id: 'ServiceEdgeStatus' });
export type ServiceEdgeStatus = z.infer<typeof serviceEdgeStatusSchema>;

/** `<prefix>:edge-status:<tenant>` hash: `<environment>/<service>` → {@link ServiceEdgeStatus}. */
export const edgeStatusKey = (prefix: string, tenant: string) => `${prefix}:edge-status:${tenant}`;

export function edgeStatusStore(redis: Redis, prefix: string): ServiceVerdicts<ServiceEdgeStatus> {
  return new ServiceVerdicts({
    redis,
    key: (tenant) => edgeStatusKey(prefix, tenant),
    schema: serviceEdgeStatusSchema,
  });
}

/**
 * Each service's status from the tenant's pass report. Pure. A failure that names no service
 * (reading the tenant's edge, its load balancer, a certificate) concerns every service of it.
 */
export function serviceEdgeStatuses(
  report: TenantEdgeReport,
  services: readonly { environment: string; name: string }[],
  at: string,
): Map<string, ServiceEdgeStatus> {
  const statuses = new Map<string, ServiceEdgeStatus>();
  for (const { environment, name } of services) {
    const refused = report.refusals
      .filter((r) => r.service === name && r.environment === environment)
      .map((r) => r.message);
    const failed = report.failures
      .filter((f) => f.service === undefined || f.service === name)
      .map((f) => `${f.action} failed (${f.code}): ${f.message}; the next pass tries again`);
    const waiting = report.waiting.map((w) => w.message);
    const state =
      refused.length > 0
        ? 'refused'
        : failed.length > 0
          ? 'failing'
          : waiting.length > 0
            ? 'waiting'
            : 'serving';
    statuses.set(verdictField(environment, name), {
      state,
      messages: [...refused, ...failed, ...waiting],
      at,
    });
  }
  return statuses;
}
