import { costUsd, perHour, perMonth } from './prices.js';
import type { CountedRequest } from './request-counter.js';

/** What a window of requests costs, and who sent them. */
export interface WindowSummary {
  seconds: number;
  s3PerHour: number;
  dynamodbPerHour: number;
  s3UsdPerMonth: number;
  dynamodbUsdPerMonth: number;
  usdPerMonth: number;
  /** `s3_getobject` → requests per hour. */
  byOperation: Record<string, number>;
  /** Dollars per month by what sent the requests: `lease`, `scheduler`, `api` (serving API calls, the agents' here), `other`. */
  byLoop: Record<string, number>;
  /** Rows by caller, operation and key shape; most expensive first. */
  rows: SummaryRow[];
}

/** Which part of the controller a caller chain belongs to. */
export function loopOf(caller: string): 'lease' | 'scheduler' | 'api' | 'other' {
  if (caller.includes('lease/')) return 'lease';
  if (caller.includes('controller/scheduler/')) return 'scheduler';
  if (/controller\/(api|routes|hosts)\//.test(caller)) return 'api';
  return 'other';
}

export interface SummaryRow {
  caller: string;
  operation: string;
  target: string;
  perHour: number;
  usdPerMonth: number;
}

/**
 * An S3 key or prefix as a shape: tenant, host and service ids and record ids replaced by
 * placeholders, so `tenants/acme-t3/hosts/h-17.json` and its 999 siblings are one row.
 */
export function keyShape(target: string, tenantPrefix: string): string {
  return target
    .split('/')
    .map((segment, index, all) => {
      if (segment.startsWith(tenantPrefix)) return '{tenant}';
      if (/^h-\d+(\.json)?$/.test(segment)) return segment.endsWith('.json') ? '{host}.json' : '{host}';
      if (/^svc-\d+$/.test(segment)) return '{service}';
      const last = index === all.length - 1;
      if (last && /\d/.test(segment) && segment.endsWith('.json')) return '{id}.json';
      return segment;
    })
    .join('/');
}

const flat = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '_');

/** Prices the requests of a window of `seconds` and groups them by operation and by caller. */
export function summarise(
  requests: readonly CountedRequest[],
  seconds: number,
  tenantPrefix: string,
): WindowSummary {
  const s3 = requests.filter((r) => r.service === 's3');
  const dynamodb = requests.filter((r) => r.service === 'dynamodb');
  const byOperation: Record<string, number> = {};
  const groups = new Map<string, CountedRequest[]>();
  for (const request of requests) {
    const operation = `${request.service}_${flat(request.operation)}`;
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    const target = request.service === 's3' ? keyShape(request.target, tenantPrefix) : 'lease table';
    const key = JSON.stringify([request.caller, `${request.service}:${request.operation}`, target]);
    const members = groups.get(key);
    if (members) members.push(request);
    else groups.set(key, [request]);
  }
  const rows = [...groups].map(([key, members]) => {
    const [caller, operation, target] = JSON.parse(key) as [string, string, string];
    return {
      caller,
      operation,
      target,
      perHour: Math.round(perHour(members.length, seconds)),
      usdPerMonth: perMonth(costUsd(members), seconds),
    };
  });
  rows.sort((a, b) => b.usdPerMonth - a.usdPerMonth || b.perHour - a.perHour);
  const byLoop: Record<string, number> = { lease: 0, scheduler: 0, api: 0, other: 0 };
  for (const row of rows) byLoop[loopOf(row.caller)]! += row.usdPerMonth;
  return {
    seconds,
    s3PerHour: Math.round(perHour(s3.length, seconds)),
    dynamodbPerHour: Math.round(perHour(dynamodb.length, seconds)),
    s3UsdPerMonth: perMonth(costUsd(s3), seconds),
    dynamodbUsdPerMonth: perMonth(costUsd(dynamodb), seconds),
    usdPerMonth: perMonth(costUsd(requests), seconds),
    byOperation: Object.fromEntries(
      Object.entries(byOperation).map(([op, n]) => [op, Math.round(perHour(n, seconds))]),
    ),
    byLoop,
    rows,
  };
}

/** The rows as an aligned table for stderr. */
export function formatRows(rows: readonly SummaryRow[], limit = 25): string {
  return rows
    .slice(0, limit)
    .map(
      (r) =>
        `  $${r.usdPerMonth.toFixed(2).padStart(8)}/mo ${String(r.perHour).padStart(8)}/h  ${r.operation.padEnd(22)} ${r.target.padEnd(44)} ${r.caller}`,
    )
    .join('\n');
}
