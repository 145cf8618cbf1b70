// autocannon runs this in its worker thread (it require()s it, hence CommonJS): every request gets
// its own delivery id, so the app's dedupe cannot turn the load into no-ops. The signature covers
// the body only, so the body signed once by webhook.ts serves every request.
const { randomUUID } = require('node:crypto');

const headers = JSON.parse(process.env.SLIPWAY_BENCH_WEBHOOK_HEADERS ?? '{}');

module.exports = (request) => ({ ...request, headers: { ...headers, 'x-github-delivery': randomUUID() } });
