import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { messageError, readDockerMessages } from './docker-json-stream.js';
import { BuildCancelledError, BuilderError, BuildFailedError } from './errors.js';
import type { BuildPlan } from './plan-build.js';

export interface RunDockerBuildOptions {
  docker: Docker;
  plan: BuildPlan;
  /** The uncompressed tar build context, e.g. from buildContextFromTarball. */
  context: Readable;
  /** Stops the build: the request is aborted and the classic builder cancels with it. */
  signal?: AbortSignal;
  /** Called with each line of Docker's output as it arrives (without the trailing newline). */
  onLog?: (line: string) => void;
  /** Clock for durationMs; defaults to Date.now. */
  now?: () => number;
  /**
   * The context's Dockerfile already ends with `plan.labels` in one LABEL instruction (see
   * `buildContextFromTarball`), so they are not sent again as the build's `labels` option.
   */
  labelsInContext?: boolean;
}

export interface DockerBuildResult {
  /** `sha256:…` id of the built image (tagged plan.tag). */
  imageId: string;
  /** Steps the builder took from the layer cache ("Using cache"). */
  cacheHits: number;
  /** Steps of the Dockerfile as the builder counted them (the m of "Step n/m"), labels included. */
  steps: number;
  durationMs: number;
}

const STEP_LINE = /^Step \d+\/(\d+) : /;
const CACHE_LINE = /^ ---> Using cache$/;
const BUILT_LINE = /^Successfully built ([0-9a-f]{12,64})$/;

/** The query options for Docker's `POST /build`, classic builder (version 1), built fresh per call. */
function buildOptions(plan: BuildPlan, signal: AbortSignal, labelsInContext: boolean) {
  return {
    t: plan.tag,
    dockerfile: plan.dockerfile,
    ...(labelsInContext ? {} : { labels: plan.labels }),
    buildargs: plan.buildArgs,
    cachefrom: JSON.stringify(plan.cacheFrom),
    // BuildKit (version 2) needs a session; the classic builder streams "Step n/m" lines we parse.
    version: '1' as const,
    rm: true,
    forcerm: true,
    abortSignal: signal,
  };
}

/**
 * Builds `plan.tag` from `context` with the engine's classic builder, streaming every output line to
 * `onLog` as it comes. Throws {@link BuildFailedError} with Docker's message and the failing step
 * ("Step 3/5 : RUN false"), {@link BuildCancelledError} when `signal` fires, or the context stream's
 * own error (e.g. an UnsafeTarballError) when the context could not be produced.
 *
 * @example
 * const { imageId, cacheHits } = await runDockerBuild({ docker, plan, context, onLog: (l) => log.info(l) });
 */
export async function runDockerBuild(options: RunDockerBuildOptions): Promise<DockerBuildResult> {
  const { docker, plan, context, onLog = () => {}, now = Date.now } = options;
  const started = now();
  const controller = new AbortController();
  let contextError: unknown;
  context.once('error', (error) => {
    contextError = error;
    controller.abort(error);
  });
  const onCallerAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) throw new BuildCancelledError(`Building ${plan.tag}`);
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  let step: string | undefined;
  let cacheHits = 0;
  let steps = 0;
  let imageId: string | undefined;
  try {
    const output = (await docker.buildImage(
      context,
      buildOptions(plan, controller.signal, options.labelsInContext === true),
    )) as Readable;
    for await (const message of readDockerMessages(output)) {
      const error = messageError(message);
      if (error !== undefined) throw new BuildFailedError(error.trim(), step);
      if (message.aux?.ID) imageId = message.aux.ID;
      for (const line of (message.stream ?? '').split('\n')) {
        const text = line.replace(/\r$/, '');
        if (text.trim() === '') continue;
        const stepLine = STEP_LINE.exec(text);
        if (stepLine) {
          step = text;
          steps = Number(stepLine[1]);
        }
        if (CACHE_LINE.test(text)) cacheHits += 1;
        const built = BUILT_LINE.exec(text);
        if (built && imageId === undefined) imageId = built[1];
        onLog(text);
      }
    }
  } catch (error) {
    if (contextError !== undefined) throw contextError;
    if (options.signal?.aborted) throw new BuildCancelledError(`Building ${plan.tag}`, { cause: error });
    if (error instanceof BuilderError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    // A 4xx/5xx before any output is the engine refusing the build itself (bad Dockerfile path, bad option).
    if (status !== undefined) throw new BuildFailedError(describeEngineError(error), step, { cause: error });
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
  if (contextError !== undefined) throw contextError;
  if (imageId === undefined)
    throw new BuildFailedError('the build ended without reporting an image id', step);
  return { imageId, cacheHits, steps, durationMs: now() - started };
}

function describeEngineError(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
