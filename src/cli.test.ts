import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRoot } from './platform/paths.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the `tandem` command as people do (its bundle), with an embedded folder nobody uses. */
async function tandem(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [fromRoot('bin', 'tandem.js'), ...args],
      {
        env: { ...process.env, DATABASE_URL: '', TANDEM_DATA_DIR: path.join(dir, 'data') },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the tandem command', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await tandem('--help');
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed --demo', 'user add', 'token create']) {
      expect(stdout).toContain(`  ${command}`);
    }
  });

  it('answers a mistake in how it was called with what went wrong, the usage and exit code 2, opening nothing', async () => {
    const unknown = await tandem('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tandem: unknown command "frobnicate"\n\nUsage: tandem/);
    const badEmail = await tandem('user', 'add', '--email', 'not-an-email', '--name', 'X');
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/^tandem: --email must be an email address\n/);
    const badOption = await tandem(
      'token',
      'create',
      '--email',
      'a@example.org',
      '--org',
      'WDC',
      '--colour',
      'red',
    );
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("'--colour'");
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });
});
