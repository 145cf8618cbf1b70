import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import pRetry from 'p-retry';
import { ConflictError, InvalidKeyError } from './errors.js';
import { normaliseEtag } from './etag.js';
import { assertPrefix } from './keys.js';
import type { RawObject, WriteCondition } from './raw-store.js';
import type { ListPage } from './state-store.js';
import { StateStoreBase } from './state-store-base.js';

/** Settings for an S3 client that the store creates (and destroys on `close`). */
export interface S3ConnectionOptions {
  region: string;
  /** e.g. `http://127.0.0.1:5001` for moto; omit for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`); needed by moto and most S3 look-alikes. */
  forcePathStyle?: boolean;
}

export type S3StateStoreOptions = ({ client: S3Client } | S3ConnectionOptions) & {
  bucket: string;
  /** Folder inside the bucket that holds the state, e.g. `slipway/` (default: the bucket root). */
  prefix?: string;
  /**
   * Retries of a write that S3 answered with 409 ConditionalRequestConflict (a concurrent
   * conditional write to the same key was in flight) before it becomes a `ConflictError`. Default 4.
   */
  conflictRetries?: number;
};

/** Duck-typed: SDK errors are matched by name and status, not by class identity. */
function asServiceError(error: unknown): Pick<S3ServiceException, 'name' | '$metadata'> | undefined {
  return typeof error === 'object' && error !== null && '$metadata' in error && 'name' in error
    ? (error as S3ServiceException)
    : undefined;
}

function isS3Error(error: unknown, ...names: string[]): boolean {
  const serviceError = asServiceError(error);
  return serviceError !== undefined && names.includes(serviceError.name);
}

function isStatus(error: unknown, status: number): boolean {
  return asServiceError(error)?.$metadata.httpStatusCode === status;
}

function isConditionalRequestConflict(error: unknown): boolean {
  return isS3Error(error, 'ConditionalRequestConflict') || isStatus(error, 409);
}

function quote(etag: string): string {
  return `"${etag}"`;
}

function storePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  assertPrefix(withSlash);
  if (withSlash.startsWith('/'))
    throw new InvalidKeyError(prefix, 'the store prefix must not start with "/"');
  return withSlash;
}

/**
 * The AWS-mode state store: one S3 object per document, conditional writes with If-Match /
 * If-None-Match, conditional deletes with If-Match, ETags (MD5 of the body) as etags.
 *
 * @example
 * const store = new S3StateStore({ region: 'us-east-1', bucket: 'acme-slipway-state', prefix: 'state/' });
 * const { etag } = await store.put('tenants/acme/services/web.json', service, { ifNoneMatch: '*' });
 */
export class S3StateStore extends StateStoreBase {
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #conflictRetries: number;
  #closed = false;

  constructor(options: S3StateStoreOptions) {
    super();
    this.#bucket = options.bucket;
    this.#prefix = storePrefix(options.prefix);
    this.#conflictRetries = options.conflictRetries ?? 4;
    if ('client' in options) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else {
      this.#client = new S3Client({
        region: options.region,
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
        ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
      });
      this.#ownsClient = true;
    }
  }

  protected async readRaw(key: string): Promise<RawObject | undefined> {
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      const body = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
      return { body, etag: normaliseEtag(response.ETag ?? '') };
    } catch (error) {
      if (isS3Error(error, 'NoSuchKey')) return undefined;
      throw error;
    }
  }

  protected async writeRaw(
    key: string,
    body: Uint8Array,
    condition: WriteCondition,
  ): Promise<{ etag: string }> {
    const response = await this.#conditional(key, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
          Body: body,
          ContentType: 'application/json',
          ...(condition.ifMatch !== undefined ? { IfMatch: quote(condition.ifMatch) } : {}),
          ...(condition.ifNoneMatch !== undefined ? { IfNoneMatch: condition.ifNoneMatch } : {}),
        }),
      ),
    );
    if (!response.ETag) throw new Error(`S3 accepted "${key}" but returned no ETag; check the S3 endpoint`);
    return { etag: normaliseEtag(response.ETag) };
  }

  protected async deleteRaw(key: string, condition: { ifMatch?: string }): Promise<void> {
    await this.#conditional(key, () =>
      this.#client.send(
        new DeleteObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
          ...(condition.ifMatch !== undefined ? { IfMatch: quote(condition.ifMatch) } : {}),
        }),
      ),
    );
  }

  protected async listRaw(prefix: string, options: { cursor?: string; limit: number }): Promise<ListPage> {
    const response = await this.#client.send(
      new ListObjectsV2Command({
        Bucket: this.#bucket,
        Prefix: this.#prefix + prefix,
        MaxKeys: options.limit,
        ...(options.cursor !== undefined ? { ContinuationToken: options.cursor } : {}),
      }),
    );
    const items = (response.Contents ?? []).flatMap((object) =>
      object.Key === undefined
        ? []
        : [{ key: object.Key.slice(this.#prefix.length), etag: normaliseEtag(object.ETag ?? '') }],
    );
    return response.IsTruncated && response.NextContinuationToken
      ? { items, cursor: response.NextContinuationToken }
      : { items };
  }

  /**
   * Creates the bucket if it is missing. For tests and development (`npm start` in AWS mode
   * against moto); production buckets belong to infrastructure code.
   */
  async ensureBucket(): Promise<void> {
    try {
      await this.#client.send(new CreateBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) this.#client.destroy();
  }

  /**
   * Runs one conditional request: 409 ConditionalRequestConflict (another conditional write to the key
   * was in flight) is retried with jittered backoff; 412 PreconditionFailed, and 404 NoSuchKey for an
   * If-Match request, become `ConflictError`.
   */
  async #conditional<T>(key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await pRetry(send, {
        retries: this.#conflictRetries,
        minTimeout: 20,
        maxTimeout: 500,
        randomize: true,
        shouldRetry: ({ error }) => isConditionalRequestConflict(error),
      });
    } catch (error) {
      if (isS3Error(error, 'PreconditionFailed') || isStatus(error, 412)) {
        throw new ConflictError(
          key,
          'the precondition failed (the etag changed, or the key already exists)',
          {
            cause: error,
          },
        );
      }
      if (isS3Error(error, 'NoSuchKey')) {
        throw new ConflictError(key, 'the document no longer exists', { cause: error });
      }
      if (isConditionalRequestConflict(error)) {
        throw new ConflictError(key, 'concurrent conditional writes kept colliding', { cause: error });
      }
      throw error;
    }
  }
}
