import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { checkRequest } from './check-request.js';
import type {
  AcquireRequest,
  AcquireResult,
  LeaseBackend,
  LeaseRecord,
  ReleaseRequest,
  ReleaseResult,
  RenewRequest,
  RenewResult,
} from './lease-backend.js';
import { LeaseError } from './lease-error.js';

export interface DynamoLeaseBackendOptions {
  /** Table with a string partition key `name` (see `ensureTable()`). One item per lease name. */
  tableName: string;
  /** A client to use; it is not destroyed by `close()`. Otherwise one is built from the fields below. */
  client?: DynamoDBClient;
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

// Every attribute goes through a placeholder (NAME and OWNER are DynamoDB reserved words);
// DynamoDB rejects placeholders an expression does not use, so each call picks its own.
const allNames: Record<string, string> = {
  '#name': 'name',
  '#owner': 'owner',
  '#epoch': 'epoch',
  '#expiresAt': 'expiresAt',
};

function namesUsedIn(...expressions: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(allNames).filter(([placeholder]) => expressions.some((e) => e.includes(placeholder))),
  );
}

/**
 * Leases as DynamoDB items `{name, owner, epoch, expiresAt}` changed only by conditional
 * UpdateItem calls, so concurrent replicas race safely: exactly one conditional write wins.
 *
 * @example
 * const backend = new DynamoLeaseBackend({ tableName: 'slipway-leases', region: 'eu-west-1' });
 * const result = await backend.tryAcquire({ name: 'controller', owner: id, ttlMs: 4000, now: Date.now() });
 */
export class DynamoLeaseBackend implements LeaseBackend {
  readonly tableName: string;
  readonly #client: DynamoDBClient;
  readonly #ownsClient: boolean;
  #closed = false;

  constructor(options: DynamoLeaseBackendOptions) {
    if (options.tableName.length === 0) {
      throw new LeaseError('LEASE_INVALID_OPTIONS', 'tableName must name the DynamoDB lease table');
    }
    this.tableName = options.tableName;
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new DynamoDBClient({
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.region ? { region: options.region } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
  }

  async tryAcquire(request: AcquireRequest): Promise<AcquireResult> {
    checkRequest(request);
    // Followers ask every retryEveryMs. While another replica's lease is live the conditional write
    // below can only fail, and DynamoDB bills a failed write as a write (5× a consistent read): read
    // first and write only when the lease may be ours. Skipping is safe — the write decides; a lease
    // freed between the read and now is simply taken at the next retry.
    const current = await this.read(request.name, request.signal ? { signal: request.signal } : {});
    if (current && current.owner !== request.owner && current.expiresAt >= request.now)
      return { acquired: false, holder: current };
    // ADD on a missing attribute starts from 0, so the first holder gets epoch 1.
    const outcome = await this.#update('acquire', request.signal, {
      Key: key(request.name),
      UpdateExpression: 'SET #owner = :me, #expiresAt = :expiresAt ADD #epoch :one',
      ConditionExpression: 'attribute_not_exists(#name) OR #expiresAt < :now OR #owner = :me',
      ExpressionAttributeValues: {
        ':me': { S: request.owner },
        ':expiresAt': { N: String(request.now + request.ttlMs) },
        ':now': { N: String(request.now) },
        ':one': { N: '1' },
      },
    });
    if (outcome.won) return { acquired: true, lease: outcome.lease };
    return outcome.holder ? { acquired: false, holder: outcome.holder } : { acquired: false };
  }

  async renew(request: RenewRequest): Promise<RenewResult> {
    checkRequest(request);
    const outcome = await this.#update('renew', request.signal, {
      Key: key(request.name),
      UpdateExpression: 'SET #expiresAt = :expiresAt',
      ConditionExpression: '#owner = :me AND #epoch = :epoch',
      ExpressionAttributeValues: {
        ':me': { S: request.owner },
        ':epoch': { N: String(request.epoch) },
        ':expiresAt': { N: String(request.now + request.ttlMs) },
      },
    });
    if (outcome.won) return { ok: true, lease: outcome.lease };
    return outcome.holder ? { ok: false, holder: outcome.holder } : { ok: false };
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    checkRequest(request);
    // Keep the item (and its epoch) so the next holder's fencing token is still larger.
    const outcome = await this.#update('release', request.signal, {
      Key: key(request.name),
      UpdateExpression: 'SET #expiresAt = :zero',
      ConditionExpression: '#owner = :me AND #epoch = :epoch',
      ExpressionAttributeValues: {
        ':me': { S: request.owner },
        ':epoch': { N: String(request.epoch) },
        ':zero': { N: '0' },
      },
    });
    return { released: outcome.won };
  }

  async read(name: string, options: { signal?: AbortSignal } = {}): Promise<LeaseRecord | undefined> {
    try {
      const out = await this.#client.send(
        new GetItemCommand({ TableName: this.tableName, Key: key(name), ConsistentRead: true }),
        { abortSignal: options.signal },
      );
      return out.Item ? this.#parse(out.Item) : undefined;
    } catch (error) {
      throw this.#wrap('read', error, options.signal);
    }
  }

  /**
   * Creates the lease table (on-demand billing, string partition key `name`) if it is missing and
   * waits until it is active. For tests and development; production tables belong to infrastructure code.
   */
  async ensureTable(options: { timeoutMs?: number } = {}): Promise<void> {
    try {
      await this.#client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw this.#wrap('describe table', error);
    }
    try {
      await this.#client.send(
        new CreateTableCommand({
          TableName: this.tableName,
          AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      // Another process created it between our describe and create: fine, wait for it below.
      if (!(error instanceof ResourceInUseException)) throw this.#wrap('create table', error);
    }
    const maxWaitTime = Math.ceil((options.timeoutMs ?? 60_000) / 1000);
    await waitUntilTableExists({ client: this.#client, maxWaitTime }, { TableName: this.tableName });
  }

  /** Destroys the client if this backend built it. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  async #update(
    op: string,
    signal: AbortSignal | undefined,
    input: Pick<
      UpdateItemCommandInput,
      'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<{ won: true; lease: LeaseRecord } | { won: false; holder?: LeaseRecord }> {
    try {
      const out = await this.#client.send(
        new UpdateItemCommand({
          ...input,
          TableName: this.tableName,
          ExpressionAttributeNames: namesUsedIn(
            input.UpdateExpression ?? '',
            input.ConditionExpression ?? '',
          ),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
      if (!out.Attributes) {
        throw new LeaseError(
          'LEASE_BACKEND_FAILED',
          `DynamoDB ${op} on table "${this.tableName}" returned no item`,
        );
      }
      return { won: true, lease: this.#parse(out.Attributes) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return error.Item ? { won: false, holder: this.#parse(error.Item) } : { won: false };
      }
      throw this.#wrap(op, error, signal);
    }
  }

  #parse(item: Record<string, AttributeValue>): LeaseRecord {
    const name = item.name?.S;
    const owner = item.owner?.S;
    const epoch = Number(item.epoch?.N);
    const expiresAt = Number(item.expiresAt?.N);
    if (
      name === undefined ||
      owner === undefined ||
      !Number.isSafeInteger(epoch) ||
      !Number.isFinite(expiresAt)
    ) {
      throw new LeaseError(
        'LEASE_BACKEND_FAILED',
        `lease item ${JSON.stringify(item)} in table "${this.tableName}" is malformed: ` +
          'it needs name (S), owner (S), epoch (N) and expiresAt (N); delete it or fix the writer',
      );
    }
    return { name, owner, epoch, expiresAt };
  }

  #wrap(op: string, error: unknown, signal?: AbortSignal): unknown {
    if (error instanceof LeaseError) return error;
    // Aborted by the caller (usually its deadline): report the caller's reason, not the SDK's.
    if (signal?.aborted) return signal.reason;
    if (error instanceof ResourceNotFoundException) {
      return new LeaseError(
        'LEASE_TABLE_MISSING',
        `DynamoDB table "${this.tableName}" does not exist: create it (ensureTable() in development) ` +
          'or fix the tableName option',
        { cause: error },
      );
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new LeaseError(
      'LEASE_BACKEND_FAILED',
      `DynamoDB ${op} on table "${this.tableName}" failed (${detail}); check the endpoint, region, ` +
        'credentials and network, the lease will be retried',
      { cause: error },
    );
  }
}

function key(name: string): Record<string, AttributeValue> {
  return { name: { S: name } };
}
