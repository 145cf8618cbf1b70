export { APP_EVENTS, APP_PERMISSIONS, type AppManifest, slipwayAppManifest } from './app-manifest.js';
export { manifestSetupOptionsFromEnv } from './manifest-setup-options.js';
export {
  type ManifestSetup,
  type RegisteredApp,
  type RunManifestSetupOptions,
  runManifestSetup,
  SETUP_CALLBACK_PATH,
} from './run-manifest-setup.js';
export { updateEnvFile } from './update-env-file.js';
