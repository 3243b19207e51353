import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { expectDayTotalsToMatchEvents } from '../../../test/helpers/usage-totals.js';
import { DomainError } from '../../platform/errors.js';
import { actingAs } from './metering.cli.js';
import { meteringService } from './index.js';

let db: TestDatabase;
const HEADER = 'key,organisation,offering,quantity,occurred_at,note';

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.destroy());

async function importText(text: string, progress: string[] = []) {
  const principal = await actingAs(db, 'finance@mercia.example', ['finance_officer']);
  return meteringService(db).importCsv({ principal }, Readable.from([text]), (message) =>
    progress.push(message),
  );
}

async function rejection(text: string): Promise<DomainError> {
  const error = await importText(text).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const count = async (prefix: string) =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from usage_keys where key like ${`${prefix}%`}`.execute(
        db.kysely,
      )
    ).rows[0]!.n,
  );

describe('tandem usage import', () => {
  it('records a file, and the same file again changes nothing', async () => {
    const rows = Array.from(
      { length: 12_000 },
      (_, i) =>
        `imp-${i},${i % 2 ? 'WDC' : 'MFRS'},${i % 3 ? 'IT-FAULT' : 'FIN-PAYSLIP'},${(i % 5) + 1}.5,2026-10-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z,${i === 7 ? '"a note, with a comma\nand a new line"' : ''}`,
    );
    const text = [HEADER, ...rows].join('\r\n');
    const progress: string[] = [];
    expect(await importText(text, progress)).toEqual({ rows: 12_000, recorded: 12_000, ignored: 0 });
    expect(progress.at(-1)).toBe('recorded 12,000 events');
    expect(await count('imp-')).toBe(12_000);
    const note = await sql<{ note: string; quantity: string }>`
      select note, quantity::text from usage_events where key = 'imp-7'`.execute(db.kysely);
    expect(note.rows[0]).toEqual({ note: 'a note, with a comma\nand a new line', quantity: '3500' });

    expect(await importText(text)).toEqual({ rows: 12_000, recorded: 0, ignored: 12_000 });
    expect(await count('imp-')).toBe(12_000);
  });

  it('records only what is new in a file that repeats some keys (in it and from before) with the same content', async () => {
    const text = [
      HEADER,
      'imp-1,WDC,IT-FAULT,2.5,2026-10-02T10:00:00Z,',
      'mix-1,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,',
      'mix-2,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,',
      'mix-1,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,',
    ].join('\n');
    expect(await importText(text)).toEqual({ rows: 4, recorded: 2, ignored: 2 });
    expect(await count('mix-')).toBe(2);
  });

  it('refuses the whole file, naming every bad line by its number', async () => {
    const text = [
      HEADER,
      'bad-1,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,',
      'bad-2,WDC,IT-FAULT,1,2026-10-02T10:00:00Z',
      'bad-3,WDC,IT-FAULT,1,2026-02-30T10:00:00Z,',
      'bad-4,WDC,IT-FAULT,1,0000-01-01T10:00:00Z,',
      'bad-5,WDC,IT-FAULT,1,2026-10-02,',
      'bad-6,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,nul \u0000 here',
      'bad-7,WDC,IT-FAULT,-1,2026-10-02T10:00:00Z,',
      'bad-8,WDC,IT-FAULT,1.0001,2026-10-02T10:00:00Z,',
      'bad-9,NOBODY,IT-FAULT,1,2026-10-02T10:00:00Z,',
      'bad-10,BWF,IT-FAULT,1,2026-10-02T10:00:00Z,',
      'bad-1,WDC,IT-FAULT,2,2026-10-02T10:00:00Z,',
      'imp-2,MFRS,FIN-PAYSLIP,1,2026-10-03T10:00:00Z,',
      'bad-13,WDC,NO-SUCH,1,2026-10-02T10:00:00Z,',
    ].join('\n');
    const error = await rejection(text);
    expect(error.code).toBe('ERR_USAGE_REJECTED');
    const problems = error.details!.problems as Array<{ line: number; problem: string; message: string }>;
    expect(problems.map((p) => [p.line, p.problem])).toEqual([
      [3, 'csv'],
      [4, 'occurred_at_invalid'],
      [5, 'occurred_at_invalid'],
      [6, 'occurred_at_invalid'],
      [7, 'csv'],
      [8, 'quantity_negative'],
      [9, 'quantity_precision'],
      [10, 'unknown_organisation'],
      [11, 'line_not_taken'],
      [12, 'key_conflict'],
      [13, 'key_conflict'],
      [14, 'unknown_offering'],
    ]);
    expect(problems[0]!.message).toBe('Line 3 has 5 values; the header has 6');
    expect(problems.find((p) => p.line === 12)!.message).toBe('Key bad-1 is on line 2 with other content');
    expect(problems.find((p) => p.line === 13)!.message).toBe(
      'Key imp-2 was recorded before with other content',
    );
    expect(await count('bad-')).toBe(0);
  });

  it('refuses a file whose only fault is a key recorded before with other content, as a key conflict', async () => {
    const error = await rejection(
      [
        HEADER,
        'new-1,WDC,IT-FAULT,1,2026-10-02T10:00:00Z,',
        'imp-3,WDC,IT-FAULT,9,2026-10-02T10:00:00Z,',
      ].join('\n'),
    );
    expect(error.code).toBe('ERR_USAGE_KEY_CONFLICT');
    expect(error.details!.problems).toEqual([expect.objectContaining({ line: 3, problem: 'key_conflict' })]);
    expect(await count('new-')).toBe(0);
  });

  it('lists the first hundred problems and counts the rest', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `many-${i},WDC,IT-FAULT,x,2026-10-02T10:00:00Z,`);
    const error = await rejection([HEADER, ...rows].join('\n'));
    expect(error.details).toMatchObject({ count: 250, unlisted: 150 });
    expect((error.details!.problems as unknown[]).length).toBe(100);
  });

  it('refuses a file with the wrong header, or none', async () => {
    expect((await rejection('key,org,offering,quantity,occurred_at,note\n')).details!.problems).toEqual([
      expect.objectContaining({
        line: 1,
        message: 'The first line must be key,organisation,offering,quantity,occurred_at,note',
      }),
    ]);
    expect((await rejection(`${HEADER}\n`)).details!.problems).toEqual([
      expect.objectContaining({ line: 1, message: 'The file has no rows after its header' }),
    ]);
  });
});

describe('the day totals after imports', () => {
  it('hold exactly the sums of the events imported, and of nothing refused', async () => {
    await expectDayTotalsToMatchEvents(db);
  });
});
