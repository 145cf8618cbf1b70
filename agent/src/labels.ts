import type { AllocationSpec } from '@slipway/core';

/** The Docker labels by which an agent knows its containers (and nothing else it may touch). */
export const LABELS = {
  host: 'io.slipway.host',
  tenant: 'io.slipway.tenant',
  service: 'io.slipway.service',
  environment: 'io.slipway.environment',
  release: 'io.slipway.release',
  allocation: 'io.slipway.allocation',
  slot: 'io.slipway.slot',
  /** The spec hash the container was created from: what the diff compares. */
  spec: 'io.slipway.spec',
} as const;

/**
 * The labels of one allocation's container on host `hostId`.
 *
 * @example allocationLabels({ hostId: 'h-1', spec, specHash: 'ab12…' })['io.slipway.tenant'] // spec.tenant
 */
export function allocationLabels(options: {
  hostId: string;
  spec: AllocationSpec;
  specHash: string;
}): Record<string, string> {
  const { hostId, spec, specHash } = options;
  return {
    [LABELS.host]: hostId,
    [LABELS.tenant]: spec.tenant,
    [LABELS.service]: spec.service,
    [LABELS.environment]: spec.environment,
    [LABELS.release]: spec.release,
    [LABELS.allocation]: spec.allocation,
    [LABELS.slot]: String(spec.slot),
    [LABELS.spec]: specHash,
  };
}

/**
 * Docker's list filter for the containers of one host of one tenant (every one carries an
 * allocation label). Host ids are unique within a tenant only: on an engine two tenants share
 * (local mode, tests) an agent must never see — let alone remove — another tenant's `h-1`.
 */
export function hostFilter(tenant: string, hostId: string): string {
  return JSON.stringify({
    label: [`${LABELS.tenant}=${tenant}`, `${LABELS.host}=${hostId}`, LABELS.allocation],
  });
}
