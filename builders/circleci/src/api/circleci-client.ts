import type { Secret } from '@slipway/secrets';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CircleciError } from '../errors.js';
import type { PipelineTarget } from './circleci-project.js';

export const CIRCLECI_URL = 'https://circleci.com';

export interface CircleciClientOptions {
  /** CircleCI's origin; the API is under `/api/v2`. Default https://circleci.com (the fake in tests). */
  baseUrl?: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  logger: Logger;
}

/** A pipeline CircleCI created. */
export interface TriggeredPipeline {
  id: string;
  number: number;
}

/** One workflow of a pipeline, as API v2 lists it. */
export interface PipelineWorkflow {
  id: string;
  name: string;
  /** success, running, not_run, failed, error, failing, on_hold, canceled, unauthorized. */
  status: string;
  pipelineNumber: number;
  projectSlug: string;
}

/** A pipeline as CircleCI describes it: whether its config was read, and why not. */
export interface PipelineState {
  id: string;
  number: number;
  /** created (its workflows were made), errored (the config could not be read or run), setup-pending, setup, pending. */
  state: string;
  /** Why it errored: CircleCI's own messages (a config error names the file, line and key). */
  errors: { type: string; message: string }[];
}

const triggeredSchema = z.object({ id: z.string().min(1), number: z.number().int() });
const pipelineSchema = z.object({
  id: z.string().min(1),
  number: z.number().int(),
  state: z.string(),
  errors: z
    .array(z.object({ type: z.string(), message: z.string() }))
    .nullable()
    .optional(),
});
const workflowsSchema = z.object({
  items: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      status: z.string(),
      pipeline_number: z.number().int(),
      project_slug: z.string(),
    }),
  ),
  next_page_token: z.string().nullable().optional(),
});

/**
 * The calls of CircleCI API v2 the hand-off makes (trigger, read a pipeline, list its workflows, cancel), authenticated with the tenant's token in
 * `Circle-Token`. The token arrives as a `Secret` and leaves only in that header: never in a log
 * line (requests are logged at debug with method, path and status), an error or a return value.
 *
 * Errors: no answer, a timeout or a 5xx → `CIRCLECI_UNREACHABLE` (retry later); any other non-2xx
 * → `CIRCLECI_REFUSED` with CircleCI's own message.
 *
 * @example
 * const circleci = new CircleciClient({ logger });
 * const pipeline = await circleci.triggerPipeline(token, { projectSlug: 'gh/acme/web', target: { branch: 'main' }, parameters });
 */
export class CircleciClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #logger: Logger;

  constructor(options: CircleciClientOptions) {
    this.baseUrl = (options.baseUrl ?? CIRCLECI_URL).replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#logger = options.logger;
  }

  /** `POST /api/v2/project/{slug}/pipeline`: runs the project's config on the branch or tag with `parameters`. */
  async triggerPipeline(
    token: Secret,
    request: { projectSlug: string; target: PipelineTarget; parameters: Record<string, string> },
  ): Promise<TriggeredPipeline> {
    const path = `/api/v2/project/${request.projectSlug.split('/').map(encodeURIComponent).join('/')}/pipeline`;
    const body = { ...request.target, parameters: request.parameters };
    const answer = await this.#call(token, 'POST', path, body);
    return parse(triggeredSchema, answer, path);
  }

  /** `GET /api/v2/pipeline/{id}`: its state, and the errors of a pipeline whose config could not run. */
  async getPipeline(token: Secret, pipelineId: string): Promise<PipelineState> {
    const path = `/api/v2/pipeline/${encodeURIComponent(pipelineId)}`;
    const pipeline = parse(pipelineSchema, await this.#call(token, 'GET', path), path);
    return { id: pipeline.id, number: pipeline.number, state: pipeline.state, errors: pipeline.errors ?? [] };
  }

  /** `GET /api/v2/pipeline/{id}/workflow`, every page. */
  async listWorkflows(token: Secret, pipelineId: string): Promise<PipelineWorkflow[]> {
    const base = `/api/v2/pipeline/${encodeURIComponent(pipelineId)}/workflow`;
    const workflows: PipelineWorkflow[] = [];
    let pageToken: string | null | undefined;
    do {
      const path = pageToken ? `${base}?page-token=${encodeURIComponent(pageToken)}` : base;
      const page = parse(workflowsSchema, await this.#call(token, 'GET', path), base);
      for (const item of page.items)
        workflows.push({
          id: item.id,
          name: item.name,
          status: item.status,
          pipelineNumber: item.pipeline_number,
          projectSlug: item.project_slug,
        });
      pageToken = page.next_page_token;
    } while (pageToken);
    return workflows;
  }

  /** `POST /api/v2/workflow/{id}/cancel`: stops a running workflow (a superseded build's). */
  async cancelWorkflow(token: Secret, workflowId: string): Promise<void> {
    await this.#call(token, 'POST', `/api/v2/workflow/${encodeURIComponent(workflowId)}/cancel`);
  }

  async #call(token: Secret, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          'Circle-Token': token.reveal(),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      this.#logger.debug({ method, path, err: describe(error) }, 'CircleCI API call got no answer');
      throw new CircleciError(
        'CIRCLECI_UNREACHABLE',
        `CircleCI at ${this.baseUrl} did not answer ${method} ${path} (${describe(error).message}).`,
      );
    }
    const text = await response.text();
    this.#logger.debug({ method, path, status: response.status }, 'CircleCI API call');
    if (response.status >= 500)
      throw new CircleciError(
        'CIRCLECI_UNREACHABLE',
        `CircleCI at ${this.baseUrl} answered ${method} ${path} with ${response.status}.`,
      );
    if (!response.ok) {
      const said = messageOf(text);
      const hint =
        response.status === 401
          ? " Check the tenant's CIRCLECI_TOKEN secret: CircleCI does not accept it."
          : response.status === 404
            ? ' Check that the repository is a CircleCI project the token can see.'
            : '';
      throw new CircleciError(
        'CIRCLECI_REFUSED',
        `CircleCI refused ${method} ${path} (${response.status}${said ? `: ${said}` : ''}).${hint}`,
      );
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new CircleciError(
        'CIRCLECI_UNREACHABLE',
        `CircleCI answered ${method} ${path} with something not JSON.`,
      );
    }
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CircleciError('CIRCLECI_UNREACHABLE', `CircleCI answered ${path} in an unexpected shape.`, {
    cause: parsed.error,
  });
}

/** CircleCI's `{message}`, one line, cut short; never the request (which carries the token). */
function messageOf(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): { name: string; message: string } {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? ` ${cause.code}` : '';
  return {
    name: error instanceof Error ? error.name : 'Error',
    message: `${error instanceof Error ? error.message : String(error)}${code}`,
  };
}
