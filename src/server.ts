// Starts listening; nothing else. `tandem serve` does the same.
import { loadConfig } from './config.js';
import { startTandem } from './start.js';

await startTandem(loadConfig());
