import type { Resources } from '../domain/workload.js';

/**
 * Everything an agent needs to run one allocation's container, and nothing secret: secret env
 * vars are fetched by the agent, host-scoped and short-lived, when it creates the container.
 * Built by the controller from the Service, the Release and the Allocation.
 */
export interface AllocationSpec {
  /** The allocation id: the container's identity on the host (label `io.slipway.allocation`). */
  allocation: string;
  tenant: string;
  service: string;
  environment: string;
  /** The Release it runs. */
  release: string;
  slot: number;
  /** `<repository>@sha256:…`: what is pulled and run, so a moved tag changes nothing. */
  image: string;
  port: number;
  resources: Resources;
  env: Readonly<Record<string, string>>;
  /** Names of secret env vars to fetch for this container (values never travel in the spec). */
  secrets: readonly string[];
  health: { path: string; intervalMs: number; timeoutMs: number };
  /** Only with a policy that allows them; the agent checks again before creating. */
  privileged?: boolean;
  capabilities?: readonly string[];
  hostVolumes?: readonly { hostPath: string; containerPath: string; readOnly: boolean }[];
  /**
   * Set (ISO time) while the allocation leaves: the edge sends it no new requests and in-flight ones
   * finish; the agent keeps it running until it leaves the document. Not part of the spec hash.
   */
  drainingSince?: string;
}

/** What an agent sees of a container it manages (found by its labels). */
export interface ObservedContainer {
  allocation: string;
  containerId: string;
  /** Docker's state. */
  state: 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';
  /** {@link specHash} of the spec the container was created from (label `io.slipway.spec`). */
  specHash: string;
}

/** One step of reconciling a host, as data; the agent executes it with the Docker API. */
export type AgentAction =
  /** Create the container from `spec` and start it (diffHost never emits a separate start for it). */
  | { kind: 'create'; allocation: string; spec: AllocationSpec }
  | { kind: 'start'; allocation: string; containerId: string }
  | { kind: 'stop'; allocation: string; containerId: string; reason: string }
  | { kind: 'remove'; allocation: string; containerId: string; reason: string };
