// `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one. Each prints its
// figures as one JSON line, its last line on stdout; progress goes to stderr.
import type { Bench } from './bench.js';
import { build } from './build.js';
import { edge } from './edge.js';
import { edgeSync } from './edge-sync.js';
import { failover } from './failover.js';
import { fanout } from './fanout.js';
import { idleCost } from './idle-cost.js';
import { pushToLive } from './push-to-live.js';
import { scheduler } from './scheduler.js';
import { webhook } from './webhook.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const benches: Bench[] = [failover, webhook, build, scheduler, fanout, edge, pushToLive, edgeSync, idleCost];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  console.error(`bench ${bench.name}: ${bench.description}`);
  console.log(JSON.stringify(await bench.run()));
}
