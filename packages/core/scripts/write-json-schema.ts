// Writes schema/slipway.schema.json at the repository root (`npm run schema`). The only file of
// @slipway/core that does I/O, which is why it lives outside src/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { slipwayJsonSchemaText } from '../src/schema/slipway-json-schema.js';

const target = resolve(dirname(fileURLToPath(import.meta.url)), '../../../schema/slipway.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, slipwayJsonSchemaText());
console.log(`wrote ${target}`);
