import { preset } from '../../jest.preset.js';

// Pure crypto and a filesystem store in a temp folder: no real services needed.
export default preset(import.meta.dirname);
