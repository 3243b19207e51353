import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, NO_SCOPE, type Scope } from '../../platform/db/index.js';
import { demoIds, openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { recordAudit, recordHostAudit, verifyAuditLog } from './index.js';

let db: TestDatabase;
let ids: Awaited<ReturnType<typeof demoIds>>;
const OPERATOR: Scope = { orgIds: [], platformAdmin: true };

beforeAll(async () => {
  db = await openTestDatabase();
  ids = await demoIds(db);
});
afterAll(() => db.destroy());

interface StoredEntry {
  id: string;
  org_id: string;
  seq: string;
  prev_hash: Buffer;
  hash: Buffer;
  content: string;
}

/** An organisation's chain as stored, read as the owner. */
async function chainOf(orgId: string): Promise<StoredEntry[]> {
  const { rows } = await sql<StoredEntry>`
    select e.id, e.org_id, e.seq, e.prev_hash, e.hash, audit_event_content(e) as content
      from audit_events e where e.org_id = ${orgId} order by e.seq`.execute(db.kysely);
  return rows;
}

/** Adds `count` entries to an organisation's chain, one unit of work each. */
async function append(orgId: string, count: number, action = 'test.append'): Promise<void> {
  for (let i = 0; i < count; i++) {
    await inScope(db, OPERATOR, (tx) =>
      recordAudit(tx, {
        actorUserId: null,
        orgId,
        action,
        entityType: 'test',
        entityId: String(i),
        after: { i, note: 'ünïcode £' },
      }),
    );
  }
}

/** Runs SQL as the owner with the append-only trigger off: what someone tampering would do. */
async function tamper(statement: ReturnType<typeof sql>): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(trx);
    await statement.execute(trx);
    await sql`alter table audit_events enable always trigger audit_events_append_only`.execute(trx);
  });
}

describe('the audit log', () => {
  it('refuses an entry without an organisation, from the application and from the owner', async () => {
    await expect(
      inScope(db, OPERATOR, (tx) =>
        sql`insert into audit_events (action, entity_type) values ('orphan', 'test')`.execute(tx),
      ),
    ).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    await expect(
      sql`insert into audit_events (action, entity_type) values ('orphan', 'test')`.execute(db.kysely),
    ).rejects.toThrow(/must name its organisation/);
  });

  it('records an event of no partner, even from a unit of work with no scope, under the host', async () => {
    await inScope(db, NO_SCOPE, (tx) =>
      recordHostAudit(tx, {
        actorUserId: null,
        action: 'sign-in.failed',
        entityType: 'user',
        after: { email: 'nobody@example.org', reason: 'unknown-email' },
      }),
    );
    const entry = await db.kysely
      .selectFrom('audit_events')
      .select(['org_id', 'after'])
      .where('action', '=', 'sign-in.failed')
      .where(sql<boolean>`after->>'email' = 'nobody@example.org'`)
      .executeTakeFirstOrThrow();
    expect(entry.org_id).toBe(ids.orgs.MCC);
  });

  it('still refuses a partner writing into another partner’s log', async () => {
    await expect(
      inScope(db, { orgIds: [ids.orgs.WDC!] }, (tx) =>
        recordAudit(tx, { actorUserId: null, orgId: ids.orgs.MFRS!, action: 'forged', entityType: 'test' }),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('refuses TRUNCATE, to the owner too, and even with triggers set to skip for replication', async () => {
    await expect(sql`truncate audit_events`.execute(db.kysely)).rejects.toThrow(/append-only/);
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`truncate audit_events`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(
      db.kysely.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`delete from audit_events`.execute(trx);
      }),
    ).rejects.toThrow(/append-only/);
    const { rows } = await sql<{ n: string }>`select count(*) as n from audit_events`.execute(db.kysely);
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });

  it('chains each entry to the one before: sha256 of the previous hash and the canonical content', async () => {
    await append(ids.orgs.SVCT!, 3);
    const chain = await chainOf(ids.orgs.SVCT!);
    expect(chain.map((entry) => Number(entry.seq))).toEqual(chain.map((_, i) => i + 1));
    let previous: Buffer = Buffer.alloc(32);
    for (const entry of chain) {
      expect(entry.prev_hash.equals(previous)).toBe(true);
      const expected = crypto.createHash('sha256').update(previous).update(entry.content, 'utf8').digest();
      expect(entry.hash.toString('hex')).toBe(expected.toString('hex'));
      previous = entry.hash;
    }
    // The content reads the same whatever the session's time zone.
    const [last] = chain.slice(-1);
    const elsewhere = await db.kysely.transaction().execute(async (trx) => {
      await sql`set local time zone 'Pacific/Auckland'`.execute(trx);
      const { rows } = await sql<{ content: string }>`
        select audit_event_content(e) as content from audit_events e where e.id = ${last!.id}`.execute(trx);
      return rows[0]!.content;
    });
    expect(elsewhere).toBe(last!.content);
    expect(last!.content).toMatch(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"/);
  });

  it('ignores places and hashes a writer makes up', async () => {
    await inScope(db, OPERATOR, (tx) =>
      sql`insert into audit_events (org_id, action, entity_type, seq, prev_hash, hash)
          values (${ids.orgs.SVCT!}, 'made-up', 'test', 1, '\\x00', '\\x00')`.execute(tx),
    );
    const chain = await chainOf(ids.orgs.SVCT!);
    expect(chain.map((entry) => Number(entry.seq))).toEqual(chain.map((_, i) => i + 1));
    expect((await verifyAuditLog(db, OPERATOR)).breaks).toEqual([]);
  });

  it('gives entries appended at once, from many units of work, each its own place in turn', async () => {
    const before = (await chainOf(ids.orgs.BWF!)).length;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        inScope(db, OPERATOR, async (tx) => {
          await recordAudit(tx, {
            actorUserId: null,
            orgId: ids.orgs.BWF!,
            action: 'at.once',
            entityType: 'test',
          });
          // A second chain in the same unit of work: its head is locked too, until the commit.
          await recordAudit(tx, {
            actorUserId: null,
            orgId: i % 2 ? ids.orgs['MCC-RES']! : ids.orgs['MCC-CHS']!,
            action: 'at.once',
            entityType: 'test',
          });
        }),
      ),
    );
    const chain = await chainOf(ids.orgs.BWF!);
    expect(chain).toHaveLength(before + 12);
    expect(chain.map((entry) => Number(entry.seq))).toEqual(chain.map((_, i) => i + 1));
    expect((await verifyAuditLog(db, OPERATOR)).breaks).toEqual([]);
  });

  it('keeps no place for an entry whose unit of work rolled back', async () => {
    const before = (await chainOf(ids.orgs.BWF!)).length;
    await expect(
      inScope(db, OPERATOR, async (tx) => {
        await recordAudit(tx, {
          actorUserId: null,
          orgId: ids.orgs.BWF!,
          action: 'undone',
          entityType: 'test',
        });
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    await append(ids.orgs.BWF!, 1);
    const chain = await chainOf(ids.orgs.BWF!);
    expect(chain).toHaveLength(before + 1);
    expect(Number(chain.at(-1)!.seq)).toBe(before + 1);
  });
});

describe('checking the audit log (tandem audit verify)', () => {
  it('finds every chain whole, and gives the hash at the end of each', async () => {
    const check = await verifyAuditLog(db, OPERATOR);
    expect(check.breaks).toEqual([]);
    expect(check.more).toBe(false);
    const mcc = check.chains.find((chain) => chain.organisation === 'MCC')!;
    const last = (await chainOf(ids.orgs.MCC!)).at(-1)!;
    expect(mcc).toEqual({ organisation: 'MCC', entries: Number(last.seq), head: last.hash.toString('hex') });
    expect(check.entries).toBe(check.chains.reduce((sum, chain) => sum + chain.entries, 0));
  });

  it('names the entry where each chain breaks: changed, removed, re-hashed, or cut short', async () => {
    const { WDC, MFRS, SVCT, BWF } = ids.orgs;
    const resources = ids.orgs['MCC-RES']!;
    for (const org of [WDC!, MFRS!, BWF!, resources]) await append(org, 3, 'before.tampering');
    const at = async (org: string, seq: number) => (await chainOf(org)).find((e) => Number(e.seq) === seq)!;
    const [wdc2, mfrs2, bwf2] = [await at(WDC!, 2), await at(MFRS!, 2), await at(BWF!, 2)];
    const svctChain = await chainOf(SVCT!);
    const resourcesChain = await chainOf(resources);

    // Changed in place: its hash no longer matches.
    await tamper(sql`update audit_events set after = '{"i": 99}' where id = ${wdc2.id}`);
    // Removed from the middle.
    await tamper(sql`delete from audit_events where id = ${mfrs2.id}`);
    // Changed and given a new hash: the entry after it no longer follows it.
    await tamper(sql`update audit_events set action = 'rewritten' where id = ${bwf2.id}`);
    await tamper(
      sql`update audit_events e set hash = audit_event_hash(e.prev_hash, e) where id = ${bwf2.id}`,
    );
    // The last entry removed: only the recorded head shows it.
    await tamper(sql`delete from audit_events where id = ${svctChain.at(-1)!.id}`);
    // The last entry changed and given a new hash.
    const lastOfResources = resourcesChain.at(-1)!;
    await tamper(sql`update audit_events set action = 'rewritten' where id = ${lastOfResources.id}`);
    await tamper(
      sql`update audit_events e set hash = audit_event_hash(e.prev_hash, e) where id = ${lastOfResources.id}`,
    );

    const check = await verifyAuditLog(db, OPERATOR);
    expect(check.breaks).toHaveLength(5);
    expect(check.breaks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^WDC no\\. 2 \\(entry ${wdc2.id}, .*\\): it was changed after it was written`),
        ),
        expect.stringMatching(/^MFRS no\. 3 \(entry \d+, .*\): entry no\. 2 is missing before it$/),
        expect.stringMatching(/^BWF no\. 3 \(entry \d+, .*\): it does not follow no\. 2, which was changed/),
        `SVCT: entry no. ${svctChain.length} is missing from the end of its chain`,
        `MCC-RES: its last entry, no. ${resourcesChain.length}, was changed and given a new hash, or replaced`,
      ]),
    );
  });
});
