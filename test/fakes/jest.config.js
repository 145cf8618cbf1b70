import { preset } from '../../jest.preset.js';

// The fakes need only git and tar, none of the shared services (Redis, Docker, registry, moto).
export default preset(import.meta.dirname);
