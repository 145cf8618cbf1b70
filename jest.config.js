// `npm test` runs every workspace's jest project (each folder with a jest.config.js) in one jest run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = import.meta.dirname;
const groups = ['packages', 'apps', 'builders', 'test'];
const folders = groups.flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(group, name)) : [],
);

export default {
  // Real services (Docker builds, moto) make some tests slow; a hang still fails within a minute.
  testTimeout: 60_000,
  projects: [...folders, 'agent'].filter((folder) => existsSync(join(root, folder, 'jest.config.js'))),
};
