import type { CountedRequest } from './request-counter.js';

/**
 * List prices (us-east-1) the issue fixes: S3 PUT/COPY/POST/LIST $0.005 per 1,000, GET (and
 * every other read) $0.0004 per 1,000, DELETE free; DynamoDB on-demand $1.25 per million write
 * and $0.25 per million read request units, one unit per request (Slipway's items are < 1 KB).
 * Control-plane calls (CreateTable, DescribeTable) are free.
 */
export const PRICES_USD = {
  s3PutOrList: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  dynamoWrite: 1.25 / 1_000_000,
  dynamoRead: 0.25 / 1_000_000,
} as const;

export const HOURS_PER_MONTH = 730;

export type PriceTier = keyof typeof PRICES_USD | 'free';

const s3PutOrList = new Set(['PutObject', 'CopyObject', 'PostObject', 'ListObjectsV2', 'ListObjects']);
const s3Free = new Set(['DeleteObject', 'DeleteObjects']);
const dynamoWrites = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const dynamoReads = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Which price a request pays. */
export function priceTier(request: Pick<CountedRequest, 'service' | 'operation'>): PriceTier {
  if (request.service === 's3') {
    if (s3PutOrList.has(request.operation)) return 's3PutOrList';
    return s3Free.has(request.operation) ? 'free' : 's3Get';
  }
  if (dynamoWrites.has(request.operation)) return 'dynamoWrite';
  return dynamoReads.has(request.operation) ? 'dynamoRead' : 'free';
}

/** What `requests` cost, in dollars. */
export function costUsd(requests: readonly Pick<CountedRequest, 'service' | 'operation'>[]): number {
  let usd = 0;
  for (const request of requests) {
    const tier = priceTier(request);
    if (tier !== 'free') usd += PRICES_USD[tier];
  }
  return usd;
}

/** Requests seen over `seconds`, scaled to a month of the same. */
export function perMonth(usd: number, seconds: number): number {
  return (usd / seconds) * 3600 * HOURS_PER_MONTH;
}

export function perHour(count: number, seconds: number): number {
  return (count / seconds) * 3600;
}
