import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

/** Which AWS API a counted request went to. */
export type AwsService = 's3' | 'dynamodb';

/** One request the SDK sent (one HTTP attempt: retries count, as AWS bills them). */
export interface CountedRequest {
  /** `performance.now()` when it was sent. */
  at: number;
  service: AwsService;
  /** The SDK command without `Command`: `GetObject`, `UpdateItem` … */
  operation: string;
  /** The S3 key, prefix or DynamoDB table it named. */
  target: string;
  /** The label of the client that sent it (which controller). */
  client: string;
  /** The first frames of Slipway code (not the state store or lease adapter) that led to it. */
  caller: string;
}

/** One `add` for both clients' stacks (their input types differ; the counter reads only names). */
interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'finalizeRequest'; name: string; priority: 'low' },
  ): void;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
// The adapters themselves say nothing about who asked: skip their frames and the SDK's.
const adapterFrame =
  /node_modules|node:|packages\/state\/src\/(s3-state-store|state-store-base|repository|update-document|list-all|fence-keeper|document-codec)|packages\/lease\/src\/dynamo-lease-backend|idle-cost\/request-counter/;

/** `    at async TokenService.authenticate (file:///work/main/packages/…/token-service.ts:225:20)` → `identity/token-service.ts:TokenService.authenticate`. */
function frameName(line: string): string | undefined {
  const match = /at (?:async )?(?:(\S+) \()?(?:file:\/\/)?([^():]+):\d+:\d+\)?$/.exec(line.trim());
  if (!match) return undefined;
  const [, fn, file] = match;
  if (!file || adapterFrame.test(file)) return undefined;
  const path = relative(repoRoot, file)
    .replace(/^(packages|apps)\//, '')
    .replace('/src/', '/');
  return `${path}${fn ? `:${fn}` : ''}`;
}

/** The first `depth` Slipway frames above the adapter that sent the request, innermost first. */
function callerOf(depth: number): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .slice(1)
    .flatMap((line) => frameName(line) ?? []);
  return frames.length === 0 ? 'unknown' : frames.slice(0, depth).join(' < ');
}

function targetOf(input: unknown): string {
  const fields = (input ?? {}) as { Key?: unknown; Prefix?: unknown; TableName?: unknown };
  const value = fields.Key ?? fields.Prefix ?? fields.TableName;
  return typeof value === 'string' ? value : '';
}

/**
 * Counts every S3 and DynamoDB request of the clients it is attached to, at the SDK middleware
 * level, inside the retry loop (each attempt is a billed request). Keeps each request with its
 * time, so a window of the run can be cut out afterwards.
 *
 * @example
 * const counter = new RequestCounter();
 * counter.attach(s3Client, 's3', 'controller-1');
 * const requests = counter.between(idleStart, idleEnd);
 */
export class RequestCounter {
  readonly #requests: CountedRequest[] = [];
  readonly #callerDepth: number;

  constructor(options: { callerDepth?: number } = {}) {
    this.#callerDepth = options.callerDepth ?? 3;
  }

  attach(client: S3Client | DynamoDBClient, service: AwsService, label: string): void {
    (client.middlewareStack as unknown as MiddlewareStackLike).add(
      (next, context) => async (args) => {
        this.#requests.push({
          at: performance.now(),
          service,
          operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
          target: targetOf(args.input),
          client: label,
          caller: callerOf(this.#callerDepth),
        });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'idleCostRequestCounter', priority: 'low' },
    );
  }

  /** The requests sent from `start` to `end` (`performance.now()` times). */
  between(start: number, end: number): CountedRequest[] {
    return this.#requests.filter((r) => r.at >= start && r.at < end);
  }

  /** The time of the last request matching `match`, or undefined. */
  lastAt(match: (request: CountedRequest) => boolean): number | undefined {
    for (let i = this.#requests.length - 1; i >= 0; i--)
      if (match(this.#requests[i]!)) return this.#requests[i]!.at;
    return undefined;
  }
}
