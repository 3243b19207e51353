import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { runRequestsCommand, seedRequestsCommand } from './requests.cli.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-requests-cli-'));
});
afterAll(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runRequestsCommand(db, argv, (line) => lines.push(line));
  return lines;
}

function file(name: string, value: unknown): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, typeof value === 'string' ? value : JSON.stringify(value));
  return full;
}

const record = (reference: string) => ({
  reference,
  organisation: 'MFRS',
  offering: 'IT-FAULT',
  priority: 'low',
  subject: 'From the old system',
  submittedAt: '2026-01-05T10:00:00Z',
  events: [
    { at: '2026-01-05T10:30:00Z', type: 'status', to: 'open' },
    { at: '2026-01-06T10:30:00Z', type: 'status', to: 'resolved' },
  ],
});

describe('tandem requests import', () => {
  it('imports as the only platform administrator, or as the person named', async () => {
    expect(await run('requests', 'import', file('one.json', [record('OLD-1')]))).toEqual([
      'Requests imported: 1.',
    ]);
    expect(
      await run(
        'requests',
        'import',
        file('two.json', [record('OLD-2')]),
        '--as',
        'service.manager@mercia.example',
      ),
    ).toEqual(['Requests imported: 1.']);
    const { rows } = await sql<{ reference: string; status: string }>`
      select reference, status from requests where reference like 'OLD-%' order by reference`.execute(
      db.kysely,
    );
    expect(rows).toEqual([
      { reference: 'OLD-1', status: 'resolved' },
      { reference: 'OLD-2', status: 'resolved' },
    ]);
  });

  it('lists every problem of a refused file on a line of its own, and imports nothing', async () => {
    const bad = {
      ...record('OLD-3'),
      events: [{ at: '2026-01-05T10:30:00Z', type: 'status', to: 'closed' }],
    };
    await expect(run('requests', 'import', file('bad.json', [record('OLD-4'), bad]))).rejects.toThrow(
      /ERR_IMPORT_REJECTED\)\n {2}\[1\]\.events\[0\]\.to: a request that is submitted cannot become closed/,
    );
    await expect(run('requests', 'import', file('broken.json', '[{'))).rejects.toThrow(/as JSON/);
    await expect(
      run('requests', 'import', file('x.json', []), '--as', 'agent@mercia.example'),
    ).rejects.toThrow(/not a platform administrator or service manager/);
    const { rows } = await sql`select 1 from requests where reference in ('OLD-3', 'OLD-4')`.execute(
      db.kysely,
    );
    expect(rows).toEqual([]);
  });
});

describe('tandem seed --requests', () => {
  it('adds as many requests as asked, with progress', async () => {
    const lines: string[] = [];
    await seedRequestsCommand(db, '30', (line) => lines.push(line));
    expect(lines[0]).toBe('seeding requests: 30/30');
    expect(lines[1]).toMatch(/^Requests added: 30 in \d+\.\d s\.$/);
    await expect(seedRequestsCommand(db, 'lots', () => {})).rejects.toThrow(/whole number/);
  });
});
