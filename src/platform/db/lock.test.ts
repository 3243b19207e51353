import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, DataDirLockedError } from './lock.js';

describe('the embedded data folder lock', () => {
  const lockPath = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lock-')), 'data.lock');

  it('gives a second opener a clear error while the first holds it', () => {
    const file = lockPath();
    const release = acquireLock(file);
    expect(() => acquireLock(file)).toThrow(DataDirLockedError);
    expect(() => acquireLock(file)).toThrow(/in use by another Tandem process \(pid \d+\)/);
    release();
    const again = acquireLock(file);
    again();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes over a lock left by a process that has died', () => {
    const file = lockPath();
    fs.writeFileSync(file, '2147483646');
    const release = acquireLock(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
  });
});
