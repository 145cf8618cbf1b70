import type { Host, Release, Rollout, Service } from '@slipway/core';
import { ScanCache } from '@slipway/state';
import type { DesiredAllocations } from '../hosts/desired-allocations.js';

/**
 * What the scheduler read in earlier passes of its term, so a pass GETs only the documents whose
 * listed etag changed (DESIGN.md §4 rule 8: an idle platform costs almost nothing). The LISTs are
 * still made every pass: they are the truth, the cache only spares the reads. Releases are
 * immutable, so a release read once is kept by key. One per leadership term (a new leader starts
 * empty) and per reader: documents in it are shared between passes, never changed.
 */
export class TenantCache {
  readonly hosts = new ScanCache<Host>();
  readonly services = new ScanCache<Service>();
  readonly desired = new ScanCache<DesiredAllocations>();
  /** Each service's latest rollout (see `loadLatestRollouts`). */
  readonly rollouts = new ScanCache<Rollout>();
  /** Release key → release (immutable). */
  readonly releases = new Map<string, Release>();
}
