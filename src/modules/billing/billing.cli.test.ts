import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { runMeteringCommand } from '../metering/index.js';
import { runBillingCommand } from './billing.cli.js';

let db: TestDatabase;
let folder: string;

beforeAll(async () => {
  db = await openTestDatabase();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-billing-cli-'));
});
afterAll(async () => {
  await db.destroy();
  fs.rmSync(folder, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const at = path.join(folder, name);
  fs.writeFileSync(at, text);
  return at;
}

async function run(argv: string[], command: 'billing' | 'usage' = 'billing') {
  const lines: string[] = [];
  let written = '';
  const out = (line: string) => lines.push(line);
  const write = (chunk: string) => {
    written += chunk;
  };
  if (command === 'usage') await runMeteringCommand(db, argv, out, write);
  else await runBillingCommand(db, argv, out, write);
  return { lines, written };
}

describe('tandem usage, cost-pools, drivers and recharge', () => {
  it('imports usage and drivers, runs a recharge and prints its id and totals, then exports it', async () => {
    const usage = file(
      'usage.csv',
      'key,organisation,offering,quantity,occurred_at,note\ncli-1,WDC,IT-FAULT,2,2031-09-03T10:00:00Z,\ncli-2,MFRS,IT-FAULT,1,2031-09-04T10:00:00Z,two\n',
    );
    const imported = await run(['import', usage], 'usage');
    expect(imported.lines.at(-1)).toMatch(
      /^Usage imported: 2 events recorded, 0 already recorded, from 2 rows in [\d.]+ s\.$/,
    );

    const pools = file(
      'pools.csv',
      'service_line,period,amount,driver,description\nIT,2031-09,300.00,devices,Support\n',
    );
    expect((await run(['cost-pools', 'import', pools])).lines).toEqual([
      'Cost pools: 1 added, 0 changed, 0 unchanged.',
    ]);
    const drivers = file(
      'drivers.csv',
      'organisation,service_line,driver,value,period\nWDC,IT,devices,2,2031-09\nMFRS,IT,devices,1,2031-09\n',
    );
    expect((await run(['drivers', 'import', drivers])).lines).toEqual([
      'Driver values: 2 added, 0 changed, 0 unchanged.',
    ]);

    const { lines } = await run(['recharge', 'run', '--period', '2031-09', '--org', 'WDC', '--org', 'MFRS']);
    expect(lines[0]).toMatch(/^Run [0-9a-f-]{36}$/);
    expect(lines).toContain('  charge 2031-09, draft, computation 1');
    expect(lines.some((line) => /^ {2}MFRS +statement +£\d/.test(line))).toBe(true);
    expect(lines.find((line) => line.startsWith('  Total:'))).toMatch(
      /^ {2}Total: £[\d,]+\.\d\d in 2 statement\(s\), \d+ line\(s\)$/,
    );
    const id = lines[0]!.slice(4);

    const csv = await run(['recharge', 'export', '--run', id, '--format', 'csv']);
    expect(csv.written.split('\n')[0]).toContain('statement,kind,status,organisation');
    expect(csv.written).toContain('draft,statement,draft,MFRS,Mercia Fire and Rescue Service,2031-09,,IT');
    const json = JSON.parse((await run(['recharge', 'export', '--run', id, '--format', 'json'])).written);
    expect(json.data.map((s: { organisation: { code: string } }) => s.organisation.code)).toEqual([
      'MFRS',
      'WDC',
    ]);

    await run(['recharge', 'review', '--run', id]);
    const issued = await run(['recharge', 'issue', '--run', id]);
    expect(issued.lines).toContain('  charge 2031-09, issued, computation 1');
    const journal = await run(['recharge', 'journal', '--run', id]);
    expect(journal.written).toContain('SSC-IT,4420');
  });

  it('explains a refused file line by line', async () => {
    const usage = file(
      'bad.csv',
      'key,organisation,offering,quantity,occurred_at,note\nb-1,WDC,IT-FAULT,1,2031-02-30T10:00:00Z,\n',
    );
    await expect(run(['import', usage], 'usage')).rejects.toThrow(
      /ERR_USAGE_REJECTED\)\n {2}line 2: When it happened must be a real date/,
    );
    const drivers = file(
      'bad-drivers.csv',
      'organisation,service_line,driver,value,period\nBWF,IT,devices,1,2031-09\n',
    );
    await expect(run(['drivers', 'import', drivers])).rejects.toThrow(
      /line 2: BWF does not take IT on any day of 2031-09/,
    );
    await expect(run(['recharge', 'run'])).rejects.toThrow(/--period is required/);
    await expect(run(['recharge', 'export', '--run', 'x', '--format', 'xml'])).rejects.toThrow(
      /--format must be csv or json/,
    );
  });
});
