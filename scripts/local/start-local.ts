// `npm start`: the local-mode platform on one machine (local-platform.ts), its URLs, and a clean
// shutdown on Ctrl-C.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LocalPlatform, LocalPlatformError, startLocalPlatform } from './local-platform.js';

// Credentials a GitHub App registration wrote (see push-path.ts); variables already set win.
const { env: initialEnv } = process;
const envFile = resolve(initialEnv.SLIPWAY_ENV_FILE ?? '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

let platform: LocalPlatform;
try {
  platform = await startLocalPlatform({ env: process.env, cwd: process.cwd(), envFile });
} catch (error) {
  if (!(error instanceof LocalPlatformError)) throw error;
  console.error(`slipway: ${error.message}`);
  process.exit(error.exitCode);
}

console.log('slipway: running (Ctrl-C stops)');
for (const line of platform.summary) console.log(line);
console.log('  not built yet:  dashboard, CLI (later issues)');
if (platform.firstAdminToken) {
  console.log('\nslipway: first start — an admin token, shown this once (keep it):');
  console.log(`  ${platform.firstAdminToken}`);
  console.log(`  try: curl -H "Authorization: Bearer ${platform.firstAdminToken}" ${platform.apiUrl}/v1/me`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.log('slipway: stopping (containers keep running; the next start adopts them)');
    await platform.close();
    process.exit(0);
  });
}
