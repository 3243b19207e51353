import { loadConfig } from './config.js';
import { startTandem } from './start.js';

await startTandem(loadConfig());
