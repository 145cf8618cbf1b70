// jest loads globalSetup outside its transform pipeline, so this plain module hands over to tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { globalSetup: setUp } = await tsImport('./src/global-setup.ts', import.meta.url);
  await setUp();
}
