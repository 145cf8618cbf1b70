import { servicesConfigFromEnv } from './config.js';
import { ensureServices } from './services.js';

/**
 * Set-up for every jest project that needs the real components (DESIGN.md §5). Starts what
 * does not answer, then exports the addresses so test workers (spawned after this) inherit them.
 */
export async function globalSetup(): Promise<void> {
  const config = servicesConfigFromEnv(process.env, process.cwd());
  await ensureServices({ config });
  process.env.REDIS_URL = config.redisUrl;
  process.env.SLIPWAY_REGISTRY = config.registryAddress;
  process.env.AWS_ENDPOINT_URL = config.awsEndpoint;
  process.env.SLIPWAY_BASE_IMAGE = config.baseImage;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
}
