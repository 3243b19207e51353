import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../../platform/paths.js';
import { sampleCase, sampleWith } from '../planning.test-helpers.js';
import { appraiseCommand } from './appraisal.cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-appraise-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `tandem` as people do (its bundle), with an embedded folder and a server it must not touch. */
async function tandem(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(args, { DATABASE_URL: '', TANDEM_DATA_DIR: path.join(dir, 'data') });
}

async function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [fromRoot('bin', 'tandem.js'), ...args],
      {
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function file(name: string, content: string): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, content);
  return at;
}

describe('tandem appraise', () => {
  it('prints the results of a case file as JSON, opening no database', async () => {
    const { code, stdout, stderr } = await tandem(
      'appraise',
      file('case.json', JSON.stringify(sampleCase())),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed).toMatchObject({ title: 'Shared HR and payroll', preferred: 'SHARE' });
    expect(printed.options).toContainEqual({
      code: 'SHARE',
      pvCosts: '1369565.22',
      pvBenefits: '300000.00',
      npsv: '-1069565.22',
      npsvVsBau: '1289855.07',
      bcr: '0.2190',
      paybackYear: null,
    });
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    // A server nobody listens on: a command that tried to open it would fail.
    const server = await run(['appraise', path.join(dir, 'case.json')], {
      DATABASE_URL: 'postgres://tandem@127.0.0.1:9/nowhere',
    });
    expect(server.code).toBe(0);
    expect(JSON.parse(server.stdout).preferred).toBe('SHARE');
  });

  it('names each problem of a bad case by its field and exits 1, opening no database', async () => {
    const bad = sampleWith((b) => {
      b.options[0]!.kind = 'other';
      b.options[2]!.costs[1]!.amount = '-1';
    });
    const { code, stdout, stderr } = await tandem('appraise', file('bad.json', JSON.stringify(bad)));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('is not a business case Tandem can appraise');
    expect(stderr).toContain(
      '  options.2.costs.1.amount: Year 1 operating cost for option SHARE must not be negative',
    );
    const notJson = await tandem('appraise', file('broken.json', '{"title": '));
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('is not valid JSON');
    const missing = await tandem('appraise', path.join(dir, 'nowhere.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('reads standard input with -, and asks for one file otherwise', async () => {
    const lines: string[] = [];
    const problems: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => problems.push(line) };
    expect(await appraiseCommand(['-'], io, async () => JSON.stringify(sampleCase()))).toBe(0);
    expect(JSON.parse(lines.join('\n')).preferred).toBe('SHARE');
    expect(await appraiseCommand([], io)).toBe(2);
    expect(problems).toEqual(['tandem appraise: name one case file: tandem appraise FILE.json']);
  });
});
