import type { AllocationSpec } from '@slipway/core';

/**
 * Fetches the values of `spec.secrets` for one container (a short-lived, host-scoped fetch from
 * the controller). The values go into that container's env only: never logged, never returned.
 */
export type SecretsFor = (spec: AllocationSpec) => Promise<Readonly<Record<string, string>>>;
