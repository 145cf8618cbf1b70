import type { EdgeRoute } from './edge-route.js';

/** The edge's own answers: short plain text that says what is wrong and what to do. */
export interface EdgeResponse {
  status: number;
  text: string;
}

function describe(route: EdgeRoute): string {
  return `service ${route.service} of tenant ${route.tenant} (${route.environment})`;
}

export function notFound(hostname: string, port: number): EdgeResponse {
  const shown = hostname === '' ? '(no Host header)' : hostname;
  return {
    status: 404,
    text:
      `No service answers at ${shown}. Services are reached at http://<service>.<tenant>.localhost:${port} ` +
      `(production) or http://<service>-<environment>.<tenant>.localhost:${port}, or at a custom domain of theirs.\n`,
  };
}

export function noBackend(route: EdgeRoute): EdgeResponse {
  return {
    status: 503,
    text: `The ${describe(route)} has no healthy allocation right now; try again once one is running (see its rollout).\n`,
  };
}

export function backendUnreachable(route: EdgeRoute, attempts: number): EdgeResponse {
  return {
    status: 502,
    text: `The ${describe(route)} could not be reached: ${attempts} allocation(s) tried, none answered.\n`,
  };
}

export function backendTimeout(route: EdgeRoute): EdgeResponse {
  return { status: 504, text: `The ${describe(route)} did not answer in time.\n` };
}
