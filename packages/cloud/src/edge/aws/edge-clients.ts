import { ACMClient } from '@aws-sdk/client-acm';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';

/** Settings for the ELBv2, Route53 and ACM clients the edge makes (and destroys on `close`). */
export interface AwsEdgeConnectionOptions {
  region: string;
  /** e.g. `http://127.0.0.1:5001` for moto; omit for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Attempts per call. The clients use the SDK's `adaptive` retry mode: jittered exponential
   * backoff, and once AWS throttles, a client-side rate limiter that slows the next calls too
   * (ELBv2's describe quotas are low, and a resync of many tenants meets them). Default 8.
   */
  maxAttempts?: number;
}

export interface EdgeClients {
  elb: ElasticLoadBalancingV2Client;
  route53: Route53Client;
  acm: ACMClient;
}

export function createEdgeClients(options: AwsEdgeConnectionOptions): EdgeClients {
  const config = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 8,
    retryMode: 'adaptive',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    elb: new ElasticLoadBalancingV2Client(config),
    route53: new Route53Client(config),
    acm: new ACMClient(config),
  };
}

/** Calls made, by command name (`CreateRuleCommand` → `CreateRule`), counted once per call, not per retry. */
export type EdgeCallCounts = Record<string, number>;

/** Describe/List/Get are reads; every other command changes something. */
export function isMutatingCall(command: string): boolean {
  return !/^(Describe|List|Get)/.test(command);
}

/**
 * Counts every command the clients send, at the SDK middleware level (the `initialize` step, so
 * a retried call counts once). The edge's `stats()` reads it; tests and the bench assert on it.
 */
export function countCalls(clients: EdgeClients, counts: EdgeCallCounts): void {
  for (const client of [clients.elb, clients.route53, clients.acm] as const) {
    // biome-ignore lint/suspicious/noExplicitAny: one middleware for three clients' union of input types
    (client.middlewareStack as any).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'slipwayEdgeCallCounter' },
    );
  }
}
