// `npm run bootstrap-admin`: makes the platform's first admin and prints its token once. Run it
// with the controller's environment (SLIPWAY_MODE=aws, bucket …); it does nothing if an admin exists.
import { bootstrapAdmin, TokenService, UserDirectory } from '@slipway/identity';
import { createBackends } from './backends.js';
import { ConfigError, controllerConfigFromEnv } from './config.js';

try {
  const config = controllerConfigFromEnv(process.env, process.cwd());
  const backends = createBackends(config);
  const users = new UserDirectory({ store: backends.store });
  const created = await bootstrapAdmin({ users, tokens: new TokenService({ store: backends.store, users }) });
  await backends.close();
  if (!created) {
    console.log('slipway: an admin already exists; ask them for a token (POST /v1/admin/tokens)');
  } else {
    console.log(
      `slipway: first admin '${created.user.id}' created. Its token, shown this once:\n\n  ${created.token}\n`,
    );
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`slipway: ${error.message}`);
  process.exit(2);
}
