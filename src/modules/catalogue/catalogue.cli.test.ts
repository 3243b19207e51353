import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { runCatalogueCommand } from './catalogue.cli.js';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cli-'));
});
afterAll(async () => {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runCatalogueCommand(db, argv, (line) => lines.push(line));
  return lines;
}

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, text);
  return full;
}

describe('catalogue commands', () => {
  it('imports calendars, creating or replacing by code, as the host service manager', async () => {
    const calendars = [
      {
        code: 'CLI-CAL',
        name: 'Command line',
        timeZone: 'Europe/London',
        hours: { monday: [['09:00', '17:00']] },
        holidays: null,
        closures: [],
      },
      {
        code: 'MCC-24X7',
        name: 'Round the clock, renamed',
        hours: { monday: [['00:00', '24:00']] },
        holidays: null,
      },
    ];
    expect(await run('calendar', 'import', file('calendars.json', JSON.stringify(calendars)))).toEqual([
      'Calendars: 1 created, 1 replaced.',
    ]);
    const names = await sql<{
      code: string;
      name: string;
    }>`select code, name from calendars where code in ('CLI-CAL', 'MCC-24X7') order by code`.execute(
      db.kysely,
    );
    expect(names.rows).toEqual([
      { code: 'CLI-CAL', name: 'Command line' },
      { code: 'MCC-24X7', name: 'Round the clock, renamed' },
    ]);
    const bad = [{ ...calendars[0], code: 'CLI-BAD', hours: { monday: [['17:00', '09:00']] } }];
    await expect(run('calendar', 'import', file('bad.json', JSON.stringify(bad)))).rejects.toThrow(
      /ERR_INVALID_INTERVAL/,
    );
    await expect(
      run('calendar', 'import', file('bad.json', JSON.stringify(bad)), '--as', 'agent@mercia.example'),
    ).rejects.toThrow(/not a service manager/);
  });

  it('works out a due time, refusing bad minutes', async () => {
    expect(
      await run(
        'calendar',
        'due',
        '--calendar',
        'mcc-office',
        '--from',
        '2026-03-27T16:00:00Z',
        '--minutes',
        '60',
      ),
    ).toEqual(['2026-03-30T08:00:00.000Z']);
    expect(
      await run(
        'calendar',
        'due',
        '--calendar',
        'WDC-OFFICE',
        '--from',
        '2026-12-23T16:00:00Z',
        '--minutes',
        '90',
      ),
    ).toEqual(['2026-12-29T09:30:00.000Z']);
    await expect(
      run('calendar', 'due', '--calendar', 'MCC-OFFICE', '--from', '2026-03-27T16:00:00Z', '--minutes=-5'),
    ).rejects.toThrow(/whole number/);
    await expect(
      run('calendar', 'due', '--calendar', 'MCC-OFFICE', '--from', 'soon', '--minutes', '5'),
    ).rejects.toThrow(/ISO 8601/);
  });

  it('imports prices all or nothing, naming the wrong lines', async () => {
    const bad = file(
      'bad.csv',
      'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,BWF,0.70,2026-01-01,\nPRT-POST,,-1,2026-01-01,\n',
    );
    await expect(run('tariffs', 'import', bad)).rejects.toThrow(/line 3: Unit price cannot be negative/);
    const count = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from tariffs`.execute(db.kysely)).rows[0]!.n);
    const before = await count();
    const good = file(
      'good.csv',
      'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,BWF,0.70,2026-01-01,\n',
    );
    expect((await run('tariffs', 'import', good)).at(-1)).toBe('Prices imported: 1.');
    expect(await count()).toBe(before + 1);
  });

  it('numbers every problem of a price file: a row of the wrong width, a NUL byte, year 0000', async () => {
    const count = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from tariffs`.execute(db.kysely)).rows[0]!.n);
    const before = await count();
    const bad = file(
      'wrong.csv',
      [
        'offering,organisation,unit_price,valid_from,valid_to',
        'PRT-POST,BWF,0.70,2033-01-01,,extra',
        'PRT-POST,BWF,0.7\u00000,2034-01-01,',
        'PRT-POST,BWF,-1,0000-01-01,',
        'PRT-POST,MFRS,0.70,2035-01-01,',
      ].join('\n'),
    );
    const refused = run('tariffs', 'import', bad);
    await expect(refused).rejects.toThrow(/ERR_IMPORT_REJECTED/);
    const message = await refused.catch((error: Error) => error.message);
    expect(message).toContain('line 2 has 6 values; the header has 5');
    expect(message).toContain('line 3: unit_price contains characters that are not allowed');
    expect(message).toContain('line 4: Enter a real date as YYYY-MM-DD');
    expect(message).toContain('line 4: Unit price cannot be negative');
    expect(message).not.toMatch(/line 5/);
    expect(message).not.toMatch(/at .*\.ts:\d+/);
    expect(await count()).toBe(before);
  });

  it('loads a newer bank holiday file over the dates it covers', async () => {
    const newer = {
      'england-and-wales': {
        division: 'england-and-wales',
        events: [{ title: 'Coronation bank holiday', date: '2029-05-08', notes: '', bunting: true }],
      },
    };
    expect(await run('holidays', 'load', file('holidays.json', JSON.stringify(newer)))).toEqual([
      'england-and-wales: 1 bank holidays loaded',
    ]);
    const found = await sql<{
      title: string;
    }>`select title from bank_holidays where division = 'england-and-wales' and date = '2029-05-08'`.execute(
      db.kysely,
    );
    expect(found.rows).toEqual([{ title: 'Coronation bank holiday' }]);
    await expect(run('holidays', 'load', file('wrong.json', '{"mars": {"events": []}}'))).rejects.toThrow();
  });
});
