import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { startTandem } from './start.js';
import { testEngine } from '../test/helpers/engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-start-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const configFor = (dataDir: string) =>
  loadConfig({ TANDEM_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' });

// Starting well is what the browser tests do (through `tandem serve`); these are the ways it fails.
describe.runIf(testEngine() === 'embedded')('starting Tandem', () => {
  it('reports a database folder that will not open, and leaves it free', async () => {
    const dataDir = path.join(dir, 'broken');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'PG_VERSION'), '9\n');
    await expect(startTandem(configFor(dataDir), { log: () => {} })).rejects.toThrow(/initiali[sz]e/);
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });

  it('refuses a folder another process is using, and leaves its lock alone', async () => {
    const dataDir = path.join(dir, 'busy');
    // The lock of a process that is running: this test's parent.
    fs.writeFileSync(`${dataDir}.lock`, String(process.ppid));
    await expect(startTandem(configFor(dataDir), { log: () => {} })).rejects.toThrow(
      /in use by another Tandem process/,
    );
    expect(fs.readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.ppid));
  });
});
