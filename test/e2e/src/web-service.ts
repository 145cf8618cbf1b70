/** A slipway.yaml with one native-built service `web` on port 8080, deployed from main to production. */
export const WEB_SERVICE_YAML = [
  'services:',
  '  web:',
  '    build: {}',
  '    port: 8080',
  'branches:',
  '  main: production',
  '',
].join('\n');
