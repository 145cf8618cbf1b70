import type { z } from 'zod';
import { DNS_LABEL_PATTERN } from '../domain/names.js';
import { isRecord } from './is-record.js';

const isName = (value: unknown): value is string =>
  typeof value === 'string' && DNS_LABEL_PATTERN.test(value);

/**
 * Rules across sections of slipway.yaml. Runs even when parts failed, so it takes the value as
 * unknown and checks only values that are valid on their own (those that are not get their own error).
 */
export function checkSlipwayFile(file: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(file)) return;
  checkEnvironments(file, ctx);
  checkDomainsUnique(file.services, ctx);
}

/** A slipway.yaml without services deploys nothing, which is never what its author meant. */
export function checkServicesPresent(services: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (Object.keys(services).length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'at least one service',
      params: { expectedPhrase: true },
    });
  }
}

function checkEnvironments(file: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const environments = file.environments;
  if (!Array.isArray(environments)) return;
  const declared = new Set<string>();
  environments.forEach((name, index) => {
    if (!isName(name)) return;
    if (declared.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', index],
        message: `duplicate environment '${name}': list each environment once`,
      });
    }
    declared.add(name);
  });
  if (!isRecord(file.branches) || declared.size === 0) return;
  const names = [...declared].join(', ');
  for (const [branch, environment] of Object.entries(file.branches)) {
    if (isName(environment) && !declared.has(environment)) {
      ctx.addIssue({
        code: 'custom',
        path: ['branches', branch],
        message: `environment '${environment}' is not declared in environments (${names}); add it there or fix the name`,
      });
    }
  }
}

function checkDomainsUnique(services: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(services)) return;
  const owners = new Map<string, string>();
  for (const [service, config] of Object.entries(services)) {
    if (!isRecord(config) || !Array.isArray(config.domains)) continue;
    config.domains.forEach((domain: unknown, index: number) => {
      if (typeof domain !== 'string') return;
      const owner = owners.get(domain);
      if (owner === undefined) owners.set(domain, service);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['services', service, 'domains', index],
          message:
            owner === service
              ? `domain '${domain}' is listed twice`
              : `domain '${domain}' is already used by service '${owner}'; a domain routes to one service`,
        });
      }
    });
  }
}
