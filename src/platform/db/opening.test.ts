import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { startOpening } from './database.js';
import { testEngine } from '../../../test/helpers/engine.js';

// Opening the embedded engine takes about a second; the web app is built meanwhile (start.ts).
describe.runIf(testEngine() === 'embedded')('opening the embedded database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-opening-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands out the database at once; what is asked before it is open is answered once it is', async () => {
    const { db, opened } = await startOpening({
      loadDataDir: new Blob([fs.readFileSync(inject('template'))]),
    });
    let open = false;
    void opened.then(() => (open = true));
    try {
      // Opening takes the best part of a second: a moment later, the handle is out and it is not open.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open).toBe(false);
      const asked = sql<{ n: number }>`select count(*)::int as n from organisations`.execute(db.kysely);
      await opened;
      expect((await asked).rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });

  it('a folder that will not open: says why, fails what was asked meanwhile, and frees the folder', async () => {
    const dataDir = path.join(dir, 'broken');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'PG_VERSION'), '9\n');
    const { db, opened } = await startOpening({ dataDir });
    expect(db.created).toBe(false);
    const asked = sql`select 1`.execute(db.kysely);
    const [open, answer] = await Promise.allSettled([opened, asked]);
    expect(open).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringMatching(/initiali[sz]e/) },
    });
    expect(answer).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringMatching(/initiali[sz]e/) },
    });
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
    // Closing again (as a caller cleaning up would) is harmless.
    await db.close().catch(() => {});
    expect(fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe('9\n');
  });
});
