import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { expectDayTotalsToMatchEvents } from '../../../test/helpers/usage-totals.js';
import { inScope } from '../../platform/db/index.js';
import { recordUsage, thousandthsOfHours } from './index.js';

let t: TestApp;
let finance: string;
let partner: string;
let otherPartner: string;
const ids: { orgs: Record<string, string>; users: Record<string, string> } = { orgs: {}, users: {} };

const post = (token: string, events: unknown[]) =>
  apiCall(t.app, token, 'POST', '/api/v1/usage-events', { events });
const get = (token: string, url: string) => apiCall(t.app, token, 'GET', url);

async function offeringId(code: string): Promise<string> {
  const row = await sql<{ id: string }>`select id from offerings where code = ${code}`.execute(t.db.kysely);
  return row.rows[0]!.id;
}

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, await demoIds(t.db));
  finance = await apiTokenFor(t.db, 'finance@mercia.example', 'MCC');
  partner = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
  otherPartner = await apiTokenFor(t.db, 'manager@merciafire.example', 'MFRS');
});
afterAll(() => t.close());

describe('recording usage through the API', () => {
  it('records events once: the same key and content again is a duplicate', async () => {
    const events = [
      {
        key: 'api-1',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'api-2',
        organisation: 'wdc',
        offering: 'it-fault',
        quantity: 2,
        occurredAt: '2026-10-06T09:00:00+01:00',
        note: 'two',
      },
    ];
    const first = await post(finance, events);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ recorded: 2, duplicates: 0 });
    const again = await post(finance, events);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(again.json().events.map((e: { id: string }) => e.id)).toEqual(
      first.json().events.map((e: { id: string }) => e.id),
    );
  });

  it('refuses the same key with other content (409), and writes nothing of the batch', async () => {
    const response = await post(finance, [
      {
        key: 'api-3',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-07T09:00:00Z',
      },
      {
        key: 'api-1',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '3',
        occurredAt: '2026-10-05T09:00:00Z',
      },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('ERR_USAGE_KEY_CONFLICT');
    expect(response.json().error.details.problems).toEqual([
      expect.objectContaining({ index: 1, field: 'key', problem: 'key_conflict' }),
    ]);
    const stored = await sql`select 1 from usage_keys where key = 'api-3'`.execute(t.db.kysely);
    expect(stored.rows).toHaveLength(0);
  });

  it('names every bad event by its index', async () => {
    const response = await post(finance, [
      {
        key: 'ok',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'neg',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '-1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'fine',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1.2345',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'who',
        organisation: 'NOPE',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'what',
        organisation: 'WDC',
        offering: 'NO-SUCH',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'untaken',
        organisation: 'BWF',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
      {
        key: 'feb',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-02-30T09:00:00Z',
      },
      {
        key: 'year0',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '0000-01-01T09:00:00Z',
      },
      {
        key: 'local',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00',
      },
      {
        key: 'early',
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2024-01-05T09:00:00Z',
      },
      { organisation: 'WDC', offering: 'IT-FAULT', quantity: '1', occurredAt: '2026-10-05T09:00:00Z' },
      {
        key: 'x'.repeat(201),
        organisation: 'WDC',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-05T09:00:00Z',
      },
    ]);
    expect(response.statusCode).toBe(400);
    const { code, details } = response.json().error;
    expect(code).toBe('ERR_USAGE_REJECTED');
    const byIndex = (details.problems as Array<{ index: number; problem: string }>).map((p) => [
      p.index,
      p.problem,
    ]);
    expect(byIndex).toEqual([
      [1, 'quantity_negative'],
      [2, 'quantity_precision'],
      [3, 'unknown_organisation'],
      [4, 'unknown_offering'],
      [5, 'line_not_taken'],
      [6, 'occurred_at_invalid'],
      [7, 'occurred_at_invalid'],
      [8, 'occurred_at_invalid'],
      [9, 'line_not_taken'],
      [10, 'key_missing'],
      [11, 'key_too_long'],
    ]);
    const stored = await sql`select 1 from usage_keys where key = 'ok'`.execute(t.db.kysely);
    expect(stored.rows).toHaveLength(0);
  });

  it('lets only the host’s finance officers and service managers record, and refuses more than 10,000 at once', async () => {
    const event = {
      key: 'p-1',
      organisation: 'WDC',
      offering: 'IT-FAULT',
      quantity: '1',
      occurredAt: '2026-10-05T09:00:00Z',
    };
    expect((await post(partner, [event])).statusCode).toBe(403);
    const agent = await apiTokenFor(t.db, 'agent@mercia.example', 'MCC');
    expect((await post(agent, [event])).statusCode).toBe(403);
    const manager = await apiTokenFor(t.db, 'service.manager@mercia.example', 'MCC');
    expect((await post(manager, [{ ...event, key: 'sm-1' }])).statusCode).toBe(201);
    const many = Array.from({ length: 10_001 }, (_, i) => ({ ...event, key: `many-${i}` }));
    expect((await post(finance, many)).statusCode).toBe(400);
  });
});

describe('reading usage', () => {
  beforeAll(async () => {
    await post(finance, [
      {
        key: 'read-1',
        organisation: 'MFRS',
        offering: 'IT-FAULT',
        quantity: '1',
        occurredAt: '2026-10-09T09:00:00Z',
      },
      {
        key: 'read-2',
        organisation: 'WDC',
        offering: 'FIN-PAYSLIP',
        quantity: '120',
        occurredAt: '2026-10-31T23:30:00Z',
      },
    ]);
  });

  it('shows a partner its own usage only, in the API list and the CSV export', async () => {
    const list = await get(partner, '/api/v1/usage-events?limit=1000');
    expect(list.statusCode).toBe(200);
    const events = list.json().data as Array<{ organisation: string; key: string; occurredOn: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.organisation))).toEqual(new Set(['WDC']));
    // 23:30 UTC on 31 October is still 31 October in England (GMT after the clocks go back).
    expect(events.find((e) => e.key === 'read-2')?.occurredOn).toBe('2026-10-31');
    const csv = await get(partner, '/api/v1/usage-events.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'id,organisation,service_line,offering,quantity,occurred_at,occurred_on,priced_on,source,key,note,request_reference,reverses,recorded_at',
    );
    expect(csv.body).toContain('read-2');
    expect(csv.body).not.toContain('read-1');
    expect(csv.body).not.toContain('MFRS');
    // Asking for another organisation is refused rather than answered with its data.
    expect((await get(partner, '/api/v1/usage-events?organisation=MFRS')).statusCode).toBe(400);
    const mine = (await get(otherPartner, '/api/v1/usage-events')).json().data as Array<{
      organisation: string;
    }>;
    expect(mine.every((e) => e.organisation === 'MFRS')).toBe(true);
  });

  it('shows the host’s finance officers everything, page by page', async () => {
    const first = await get(finance, '/api/v1/usage-events?limit=2');
    expect(first.json().data).toHaveLength(2);
    expect(first.json().next).toBeTruthy();
    const second = await get(finance, `/api/v1/usage-events?limit=2&after=${first.json().next}`);
    const seen = [...first.json().data, ...second.json().data].map((e: { id: string }) => e.id);
    expect(new Set(seen).size).toBe(seen.length);
    const mfrs = await get(finance, '/api/v1/usage-events?organisation=MFRS&from=2026-10-09&to=2026-10-09');
    expect(mfrs.json().data.map((e: { key: string }) => e.key)).toContain('read-1');
  });

  it('refuses requesters', async () => {
    const requester = await apiTokenFor(t.db, 'requester@wyvern.example', 'WDC');
    expect((await get(requester, '/api/v1/usage-events')).statusCode).toBe(403);
  });
});

describe('recordUsage, for the requests module', () => {
  it('records in the caller’s transaction, reverses at the original’s price date, and only once', async () => {
    const fault = await offeringId('IT-FAULT');
    const host = { orgIds: [ids.orgs.MCC!], userId: ids.users['agent@mercia.example'] };
    const completed = await inScope(t.db, host, (tx) =>
      recordUsage(tx, 'system', [
        {
          orgId: ids.orgs.WDC!,
          offeringId: fault,
          quantity: 1000n,
          occurredAt: new Date('2026-09-30T23:30:00Z'),
          source: 'request',
          key: 'request:r1:completed:1',
          requestReference: 'WDC-000001',
        },
      ]),
    );
    expect(completed).toEqual([
      { key: 'request:r1:completed:1', id: expect.any(String), status: 'recorded' },
    ]);

    // The partner's requester reopens it: the reversal is made in the partner's own transaction.
    const partnerScope = { orgIds: [ids.orgs.WDC!], userId: ids.users['requester@wyvern.example'] };
    const reversal = {
      orgId: ids.orgs.WDC!,
      offeringId: fault,
      quantity: -1000n,
      occurredAt: new Date('2026-11-02T10:00:00Z'),
      source: 'request' as const,
      key: 'request:r1:reopened:1',
      reverses: 'request:r1:completed:1',
    };
    await inScope(t.db, partnerScope, (tx) => recordUsage(tx, 'system', [reversal]));
    const stored = await sql<{ occurred_on: string; priced_on: string }>`
      select occurred_on::text, priced_on::text from usage_events where key = 'request:r1:reopened:1'`.execute(
      t.db.kysely,
    );
    // 23:30 UTC on 30 September is 00:30 on 1 October in England (BST): the reversal is priced on that day.
    expect(stored.rows[0]).toEqual({ occurred_on: '2026-11-02', priced_on: '2026-10-01' });

    // Reversing it a second time, or by the wrong amount, is refused.
    await expect(
      inScope(t.db, partnerScope, (tx) =>
        recordUsage(tx, 'system', [{ ...reversal, key: 'request:r1:reopened:2' }]),
      ),
    ).rejects.toMatchObject({ code: 'ERR_USAGE_REJECTED' });
    await expect(
      inScope(t.db, host, (tx) =>
        recordUsage(tx, 'system', [{ ...reversal, key: 'request:r1:reopened:3', quantity: -500n }]),
      ),
    ).rejects.toMatchObject({
      details: { problems: [expect.objectContaining({ problem: 'reverses_mismatch' })] },
    });
    // A partner's people cannot make usage of any other source.
    await expect(
      inScope(t.db, partnerScope, (tx) =>
        recordUsage(tx, 'system', [
          { ...reversal, key: 'x', quantity: 1000n, reverses: null, source: 'api' },
        ]),
      ),
    ).rejects.toThrow();
  });

  it('turns minutes into thousandths of an hour, rounded half away from zero', () => {
    expect(thousandthsOfHours(90)).toBe(1500n);
    expect(thousandthsOfHours(1)).toBe(17n);
    expect(thousandthsOfHours(-1)).toBe(-17n);
    expect(thousandthsOfHours(20)).toBe(333n);
  });
});

describe('usage is append-only, for everyone', () => {
  it('refuses updates and deletes by the application role and by the owner', async () => {
    const host = { orgIds: [ids.orgs.MCC!] };
    await expect(
      inScope(t.db, host, (tx) =>
        sql`update usage_events set quantity = 5000 where key = 'api-1'`.execute(tx),
      ),
    ).rejects.toThrow();
    await expect(
      inScope(t.db, host, (tx) => sql`delete from usage_keys where key = 'api-1'`.execute(tx)),
    ).rejects.toThrow();
    await expect(sql`update usage_events set quantity = 5000`.execute(t.db.kysely)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from usage_events`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`truncate usage_keys`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
  });
});

describe('the day totals a recharge run reads', () => {
  it('hold exactly the sums of every event recorded above, reversals included, and are read-only to the application', async () => {
    await expectDayTotalsToMatchEvents(t.db);
    await expect(
      inScope(t.db, { orgIds: [ids.orgs.MCC!] }, (tx) =>
        sql`update usage_day_totals set quantity = 0`.execute(tx),
      ),
    ).rejects.toThrow();
    await expect(sql`delete from usage_day_totals`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
  });
});
