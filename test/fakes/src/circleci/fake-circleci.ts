import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RecordedRequest, RequestLog } from '../request-log.js';
import { completedWorkflowOf, pipelineBody, workflowListBody } from './circleci-shapes.js';
import { signWorkflowCompleted } from './circleci-webhook.js';

/**
 * How a scripted pipeline ends. `success` without pushing an image is "succeeded but pushed no
 * image". `errored`: CircleCI could not run the config (the pipeline's state is `errored`, with
 * `errors`, and it never has a workflow); `no-workflow`: the config ran and made no workflow.
 */
export type FakeWorkflowOutcome = 'success' | 'failed' | 'canceled' | 'errored' | 'no-workflow';

/** What the next triggered pipeline does, in order: run `work` (e.g. push the image), then end. */
export interface PipelineScript {
  outcome: FakeWorkflowOutcome;
  /** The job's work: the test pushes the image here, with the parameters the pipeline got. */
  work?: (pipeline: FakePipeline) => Promise<void>;
  /** Keep the workflow running until `finish(pipelineId)`; default false (ends after `work`). */
  hold?: boolean;
  /** The workflow's status while held: `running` (default), `on_hold` (an approval), `failing`. */
  heldStatus?: string;
  /** The pipeline's errors when `outcome` is `errored`. */
  errors?: { type: string; message: string }[];
}

/** A pipeline the fake was asked to trigger. */
export interface FakePipeline {
  id: string;
  number: number;
  projectSlug: string;
  branch?: string;
  tag?: string;
  parameters: Record<string, unknown>;
  createdAt: string;
  /** `created`, or `errored` (then `errors` says why, and no workflow is ever listed). */
  state: 'created' | 'errored';
  errors: { type: string; message: string }[];
  /** The pipeline's one workflow; listed by the API unless the outcome is `errored` or `no-workflow`. */
  workflow: { id: string; name: string; status: string; url: string; stoppedAt: string | null };
}

/** Outcomes whose pipeline never lists a workflow. */
const WITHOUT_WORKFLOW: ReadonlySet<FakeWorkflowOutcome> = new Set(['errored', 'no-workflow']);

export interface StartFakeCircleciOptions {
  /** The personal API token the fake accepts in `Circle-Token`; default a random one. */
  token?: string;
  /** Where and how to send `workflow-completed` webhooks when a workflow ends; none when absent. */
  webhook?: { url: string; secret: string };
  /** The outcome of pipelines no script was given for; default `success`. */
  defaultOutcome?: FakeWorkflowOutcome;
}

export interface FakeCircleci {
  /** `http://127.0.0.1:<port>`: the API is at `<url>/api/v2`. */
  readonly url: string;
  readonly token: string;
  readonly requests: RequestLog;
  /** Bugs in the fake (or failed webhook sends); tests assert it stays empty. */
  readonly serverErrors: Error[];
  /** Projects that exist, by slug (`gh/<org>/<repo>`), with the pipeline parameters their config declares. */
  addProject(slug: string, options?: { parameters?: readonly string[] }): void;
  /** The next triggered pipeline follows this script (scripts are used in order). */
  script(script: PipelineScript): void;
  pipelines(): FakePipeline[];
  /** Ends a held workflow with its scripted outcome (sending the webhook, if configured). */
  finish(pipelineId: string): Promise<void>;
  /** Sets (or clears) where webhooks go. */
  setWebhook(webhook: { url: string; secret: string } | undefined): void;
  /** The signed `workflow-completed` webhook of a finished pipeline, sent to `url` with `secret`. */
  sendWebhook(
    pipelineId: string,
    target: { url: string; secret: string },
  ): Promise<{ status: number; body: string }>;
  /** Resolves when the pipeline's workflow has ended (and its webhook, if any, was answered). */
  settled(pipelineId: string): Promise<void>;
  close(): Promise<void>;
}

class FakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A fake CircleCI API v2 — enough of it for the CircleCI hand-off: trigger a pipeline, read it,
 * list its workflows, cancel one, and send CircleCI's signed `workflow-completed` webhook when a workflow ends. Checks
 * the `Circle-Token` header (401 otherwise), the project (404), the body (exactly one of branch or
 * tag) and the parameters against the project's declared ones (400, as CircleCI refuses
 * undeclared parameters). Records every request in `requests`.
 *
 * @example
 * const circleci = await startFakeCircleci({ token: 'cci-test' });
 * circleci.addProject('gh/acme/web', { parameters: ['slipway_image_repository', 'slipway_image_tag'] });
 * circleci.script({ outcome: 'success', work: (p) => pushImage(p.parameters) });
 */
export async function startFakeCircleci(options: StartFakeCircleciOptions = {}): Promise<FakeCircleci> {
  const token = options.token ?? `cci-${randomUUID()}`;
  const requests = new RequestLog();
  const serverErrors: Error[] = [];
  const projects = new Map<string, readonly string[] | undefined>();
  const scripts: PipelineScript[] = [];
  const pipelines = new Map<string, FakePipeline & { script: PipelineScript; done: Promise<void> }>();
  const holds = new Map<string, () => void>();
  let webhook = options.webhook;
  let numbers = 0;
  let origin = '';

  const complete = async (pipeline: FakePipeline & { script: PipelineScript }) => {
    pipeline.workflow.stoppedAt = new Date().toISOString();
    if (pipeline.script.outcome === 'errored') {
      pipeline.state = 'errored';
      pipeline.errors = pipeline.script.errors ?? [
        { type: 'config', message: 'Config does not conform to schema' },
      ];
      return;
    }
    pipeline.workflow.status = pipeline.script.outcome;
    if (webhook && !WITHOUT_WORKFLOW.has(pipeline.script.outcome))
      await fake.sendWebhook(pipeline.id, webhook);
  };

  const run = async (pipeline: FakePipeline & { script: PipelineScript }) => {
    try {
      await pipeline.script.work?.(pipeline);
      if (pipeline.script.hold) {
        pipeline.workflow.status = pipeline.script.heldStatus ?? 'running';
        await new Promise<void>((resolve) => holds.set(pipeline.id, resolve));
      }
      await complete(pipeline);
    } catch (error) {
      serverErrors.push(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const trigger = (slug: string, body: unknown) => {
    if (!projects.has(slug)) throw new FakeError(404, 'Project not found');
    const {
      branch,
      tag,
      parameters = {},
    } = (body ?? {}) as {
      branch?: unknown;
      tag?: unknown;
      parameters?: Record<string, unknown>;
    };
    if ((branch === undefined) === (tag === undefined))
      throw new FakeError(400, 'Give exactly one of branch or tag.');
    const declared = projects.get(slug);
    const unknown = declared ? Object.keys(parameters).filter((name) => !declared.includes(name)) : [];
    if (unknown.length > 0) throw new FakeError(400, `Unexpected argument(s): ${unknown.join(', ')}`);
    const number = ++numbers;
    const id = randomUUID();
    const workflowId = randomUUID();
    const [, org = '', repo = ''] = slug.split('/');
    const pipeline = {
      id,
      number,
      projectSlug: slug,
      ...(typeof branch === 'string' ? { branch } : {}),
      ...(typeof tag === 'string' ? { tag } : {}),
      parameters,
      createdAt: new Date().toISOString(),
      state: 'created' as 'created' | 'errored',
      errors: [] as { type: string; message: string }[],
      workflow: {
        id: workflowId,
        name: 'build-and-push',
        status: 'running',
        url: `https://app.circleci.com/pipelines/github/${org}/${repo}/${number}/workflows/${workflowId}`,
        stoppedAt: null,
      },
      script: scripts.shift() ?? { outcome: options.defaultOutcome ?? 'success' },
      done: Promise.resolve(),
    };
    pipelines.set(id, pipeline);
    // CircleCI answers at once and runs the pipeline afterwards.
    pipeline.done = new Promise((resolve) => setImmediate(() => void run(pipeline).finally(resolve)));
    return { status: 201, body: { id, state: 'created', number, created_at: pipeline.createdAt } };
  };

  const known = (id: string) => {
    const pipeline = pipelines.get(id);
    if (!pipeline) throw new FakeError(404, 'Pipeline not found');
    return pipeline;
  };
  const workflows = (id: string) => {
    const pipeline = known(id);
    return { status: 200, body: workflowListBody(pipeline, !WITHOUT_WORKFLOW.has(pipeline.script.outcome)) };
  };
  const describe = (id: string) => ({ status: 200, body: pipelineBody(known(id)) });

  const cancelWorkflow = (workflowId: string) => {
    const pipeline = [...pipelines.values()].find((candidate) => candidate.workflow.id === workflowId);
    if (!pipeline) throw new FakeError(404, 'Workflow not found');
    if (pipeline.workflow.stoppedAt === null) {
      // Cancelling wins over the script: the workflow ends canceled once its work is over.
      pipeline.script = { ...pipeline.script, outcome: 'canceled', hold: false };
      holds.get(pipeline.id)?.();
      holds.delete(pipeline.id);
    }
    return { status: 202, body: { message: 'Accepted.' } };
  };

  const route = (method: string, path: string, body: unknown): { status: number; body: unknown } => {
    const triggered = /^\/api\/v2\/project\/(gh|github)\/([^/]+)\/([^/]+)\/pipeline$/.exec(path);
    if (method === 'POST' && triggered) return trigger(`gh/${triggered[2]}/${triggered[3]}`, body);
    const cancel = /^\/api\/v2\/workflow\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel) return cancelWorkflow(decodeURIComponent(cancel[1] ?? ''));
    const listed = /^\/api\/v2\/pipeline\/([^/]+)\/workflow$/.exec(path);
    if (method === 'GET' && listed) return workflows(decodeURIComponent(listed[1] ?? ''));
    const one = /^\/api\/v2\/pipeline\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) return describe(decodeURIComponent(one[1] ?? ''));
    throw new FakeError(404, `the fake CircleCI has no route for ${method} ${path}`);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', origin);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers[name] = value;
    const record: RecordedRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      url: request.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      status: 0,
      route: undefined,
    };
    requests.push(record);
    let answer: { status: number; body: unknown };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      record.body = raw === '' ? undefined : JSON.parse(raw);
      if (headers['circle-token'] !== token) throw new FakeError(401, 'Invalid token provided.');
      answer = route(record.method, record.path, record.body);
      record.route = `${record.method} ${record.path}`;
    } catch (error) {
      if (error instanceof FakeError) answer = { status: error.status, body: { message: error.message } };
      else if (error instanceof SyntaxError)
        answer = { status: 400, body: { message: 'Invalid JSON body.' } };
      else {
        serverErrors.push(error instanceof Error ? error : new Error(String(error)));
        answer = { status: 500, body: { message: 'fake CircleCI failed' } };
      }
    }
    record.status = answer.status;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;

  const fake: FakeCircleci = {
    url: origin,
    token,
    requests,
    serverErrors,
    addProject(slug, projectOptions = {}) {
      projects.set(slug, projectOptions.parameters);
    },
    script(script) {
      scripts.push(script);
    },
    pipelines: () =>
      [...pipelines.values()].map(({ script: _script, done: _done, ...pipeline }) =>
        structuredClone(pipeline),
      ),
    async finish(pipelineId) {
      const release = holds.get(pipelineId);
      if (!release) throw new Error(`pipeline ${pipelineId} is not held`);
      holds.delete(pipelineId);
      release();
      await pipelines.get(pipelineId)?.done;
    },
    setWebhook(next) {
      webhook = next;
    },
    async sendWebhook(pipelineId, target) {
      const pipeline = pipelines.get(pipelineId);
      const stoppedAt = pipeline?.workflow.stoppedAt;
      if (!pipeline || !stoppedAt) throw new Error(`pipeline ${pipelineId} has not finished`);
      const completed = completedWorkflowOf(pipeline, stoppedAt);
      const signed = signWorkflowCompleted(completed, target.secret);
      const response = await fetch(target.url, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      return { status: response.status, body: await response.text() };
    },
    async settled(pipelineId) {
      await pipelines.get(pipelineId)?.done;
    },
    close() {
      for (const release of holds.values()) release();
      holds.clear();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
  return fake;
}
