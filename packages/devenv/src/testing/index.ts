export { cleanupDocker, cleanupRedis, testLabel } from './cleanup.js';
export { uniquePrefix } from './unique-prefix.js';
