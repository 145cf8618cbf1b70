import type { AgentAction, PolicyDenial } from '@slipway/core';

/** Why an action failed, for machines; the outcome's `error` says it for people. */
export type ActionErrorCode =
  /** The tenant's policy forbids the spec (privileged, capabilities, host volumes, registry); nothing was created. */
  | 'POLICY_DENIED'
  /** The image could not be pulled (missing, refused credentials, registry unreachable). */
  | 'PULL_FAILED'
  /** The spec names secret env vars and they could not be fetched; nothing was created. */
  | 'SECRETS_UNAVAILABLE'
  /** The tenant's network could not be created or found. */
  | 'NETWORK_FAILED'
  /** The engine refused to create the container (or a different container holds its name). */
  | 'CREATE_FAILED'
  /** The engine refused to start the container, or it is gone. */
  | 'START_FAILED'
  | 'STOP_FAILED'
  | 'REMOVE_FAILED'
  /** The container is not one of this host's allocations (another host's, or not Slipway's): left alone. */
  | 'NOT_MANAGED';

/** What became of one action: data to report to the controller, never thrown. */
export type ActionOutcome =
  | {
      ok: true;
      kind: AgentAction['kind'];
      allocation: string;
      /** The container acted on (for `create`, the new one). */
      containerId: string;
      /** Set when there was nothing to do: "already running", "already gone". */
      note?: string;
    }
  | {
      ok: false;
      kind: AgentAction['kind'];
      allocation: string;
      containerId?: string;
      code: ActionErrorCode;
      /** What went wrong and, where there is one, the next step. Never holds secret values. */
      error: string;
      /** With `POLICY_DENIED`: every reason of the policy's decision. */
      denials?: PolicyDenial[];
    };

/** A failed outcome, thrown inside the executor and caught at the action's edge. */
export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';

  constructor(
    readonly code: ActionErrorCode,
    message: string,
    readonly details: { denials?: PolicyDenial[]; containerId?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}
