import type { z } from 'zod';
import { isRecord } from './is-record.js';

/**
 * Rules across the fields of one service. Runs even when single fields failed, so it takes the
 * value as unknown and only looks at what it can trust.
 */
export function checkService(service: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(service)) return;
  const hasBuild = service.build !== undefined;
  const hasImage = service.image !== undefined;
  if (hasBuild && hasImage) {
    ctx.addIssue({
      code: 'custom',
      path: ['image'],
      message: "use either 'build' or 'image', not both: remove one of them",
      params: { at: 'key' },
    });
  } else if (!hasBuild && !hasImage) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message:
        "needs either 'build' (build an image from this repository) or 'image' (run an existing image)",
      params: { at: 'key' },
    });
  }
  const domains = service.domains;
  if (service.visibility === 'internal' && Array.isArray(domains) && domains.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['domains'],
      message: "domains need visibility 'public'; remove the domains or make the service public",
      params: { at: 'key' },
    });
  }
}
