import { type EdgeBackend, type EdgeRoute, routeKey } from './edge-route.js';

/**
 * Round robin per route. The cursor lives outside the routing table so a table swap (a deploy)
 * keeps spreading requests instead of sending the next one to every route's first backend.
 */
export class BackendPicker {
  readonly #cursors = new Map<string, number>();

  /** The next backend of `route` whose address is not in `tried`, or undefined when none is left. */
  next(route: EdgeRoute, tried: ReadonlySet<string> = new Set()): EdgeBackend | undefined {
    const { backends } = route;
    const key = routeKey(route);
    const start = this.#cursors.get(key) ?? 0;
    for (let step = 0; step < backends.length; step++) {
      const backend = backends[(start + step) % backends.length]!;
      if (tried.has(backend.address)) continue;
      this.#cursors.set(key, (start + step + 1) % Math.max(backends.length, 1));
      return backend;
    }
    return undefined;
  }

  /** Forgets routes that left the table. */
  retain(routes: readonly EdgeRoute[]): void {
    const keys = new Set(routes.map(routeKey));
    for (const key of this.#cursors.keys()) if (!keys.has(key)) this.#cursors.delete(key);
  }
}
