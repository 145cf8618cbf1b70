/**
 * Child process for the cross-process atomicity test: increments `{n}` in one document `times` times
 * through its own FsStateStore, retrying on conflicts. Usage: tsx increment-counter.ts <root> <key> <times>
 */
import { FsStateStore } from '../fs-state-store.js';
import { updateDocument } from '../update-document.js';

const [root, key, times] = process.argv.slice(2);
if (!root || !key || !times) {
  process.stderr.write('usage: increment-counter.ts <root> <key> <times>\n');
  process.exit(2);
}
const store = new FsStateStore({ root });
for (let i = 0; i < Number(times); i++) {
  await updateDocument(
    store,
    key,
    (doc) => ({ n: ((doc?.value as { n: number } | undefined)?.n ?? 0) + 1 }),
    {
      attempts: 1000,
    },
  );
}
await store.close();
