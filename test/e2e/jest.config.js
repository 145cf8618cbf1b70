import { preset } from '../../jest.preset.js';

// Whole-system tests: the GitHub App, the intake and the builders in one process, against real
// Redis, Docker engine and registry, with the fake GitHub as the only stand-in.
export default preset(import.meta.dirname, { services: true });
