import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { inScope, type Scope } from '../../../platform/db/index.js';
import type { LedgerScope } from '../planning.policy.js';
import { PEOPLE } from '../planning.test-helpers.js';
import { chargesFromLedgerLines } from './savings.charges.js';
import { buildLedger, type Ledger } from './savings.ledger.js';
import { savingsRepository } from './savings.repository.js';
import { ledgerOfTotals, ledgerTotals, partnerLines } from './savings.totals.js';

/**
 * The ledger's page sums in SQL what the API computes line by line here: the two must agree to the
 * penny, for the host and for a partner, on lines of every kind (whole years, years part-charged to
 * odd amounts that round, years not charged, plans without baselines, charges without either).
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;

/** A small deterministic spread of numbers. */
function* numbers(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield state;
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  const random = numbers(20_260_401);
  const next = (n: number) => random.next().value! % n;
  const partners = ['WDC', 'MFRS', 'SVCT', 'BWF', 'MCC-RES'];
  const lines = (
    await sql<{
      id: string;
    }>`select id from service_lines where org_id = ${ids.orgs.MCC!} order by code`.execute(t.db.kysely)
  ).rows.map((r) => r.id);
  // Whole year charged (to 1 April 2025), seven months (to 1 November 2025), nothing charged yet.
  const years: Array<[string, string | null]> = [
    ['2024-25', '2025-04-01'],
    ['2025-26', '2025-11-01'],
    ['2027-28', null],
  ];
  const values: string[] = [];
  for (const code of partners)
    for (const line of lines)
      for (const [year, until] of years) {
        const kind = next(10);
        if (kind === 0) continue; // no line at all
        const baseline = kind === 1 ? 'null' : String(1_000_000 + next(90_000_000));
        const planned = kind === 2 ? '0' : String(next(9_000_000) + (kind === 3 ? 1 : 0));
        const charged = until ? String(next(80_000_000) - (kind === 4 ? 90_000_000 : 0)) : '0';
        const chargedUntil = until && kind !== 5 ? `'${until}'::date` : 'null';
        values.push(
          `('${ids.orgs.MCC}', '${ids.orgs[code]}', '${line}', '${year}', ${baseline}, ${planned}, ${charged}, ${chargedUntil})`,
        );
      }
  // Charges in a year nobody planned or measured: left out of the ledger by both.
  values.push(
    `('${ids.orgs.MCC}', '${ids.orgs.WDC}', '${lines[0]}', '2019-20', null, 0, 5000, '2020-04-01'::date)`,
  );
  // As the tables' owner: the lines are the triggers' to keep, and this test writes them as they would.
  await sql
    .raw(
      `insert into savings_ledger_lines (host_org_id, org_id, service_line_id, financial_year, baseline_pence,
                                         planned_pence, charged_pence, charged_until)
       values ${values.join(',\n')}
       on conflict (host_org_id, org_id, service_line_id, financial_year) do update
          set baseline_pence = excluded.baseline_pence, planned_pence = excluded.planned_pence,
              charged_pence = excluded.charged_pence, charged_until = excluded.charged_until`,
    )
    .execute(t.db.kysely);
});
afterAll(() => t?.close());

/** Both ways, in one scope. */
async function both(dbScope: Scope, scope: LedgerScope, detail: string | null) {
  return inScope(t.db, dbScope, async (tx) => {
    const entries = await savingsRepository.entries(tx, scope);
    const charged = await chargesFromLedgerLines.chargedByPartnerLineYear(
      tx,
      scope.kind === 'host' ? scope.hostOrgId : null,
    );
    return {
      byLines: buildLedger({ entries, charges: charged, toleranceBasisPoints: 750 }),
      inSql: ledgerOfTotals(await ledgerTotals(tx, scope), await partnerLines(tx, scope, detail), 750),
    };
  });
}

const byId = <T extends { orgId?: string; serviceLineId?: string }>(list: T[]) =>
  [...list].sort((a, b) => `${a.orgId ?? a.serviceLineId}`.localeCompare(`${b.orgId ?? b.serviceLineId}`));

function expectSame(byLines: Ledger, inSql: Ledger, detailOrg: string) {
  expect(inSql.years.map((y) => [y.year, y.monthsCharged])).toEqual(
    byLines.years.map((y) => [y.year, y.monthsCharged]),
  );
  expect(inSql.years.map((y) => y.monthsCharged)).toEqual([12, 7, 0]);
  for (const [i, year] of byLines.years.entries()) {
    const other = inSql.years[i]!;
    expect(other.totals, year.year).toEqual(year.totals);
    expect(byId(other.byPartner), year.year).toEqual(byId(year.byPartner));
    expect(byId(other.byLine), year.year).toEqual(byId(year.byLine));
  }
  const detail = byLines.rows.filter((row) => row.orgId === detailOrg);
  expect(detail.length).toBeGreaterThan(0);
  const key = (row: { year: string; serviceLineId: string }) => `${row.year}${row.serviceLineId}`;
  expect([...inSql.rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
    [...detail].sort((a, b) => key(a).localeCompare(key(b))),
  );
}

describe('the ledger summed in SQL', () => {
  it('agrees with the ledger computed line by line, for the host', async () => {
    const { byLines, inSql } = await both(
      { userId: ids.users[PEOPLE.executive]!, orgIds: [ids.orgs.MCC!] },
      { kind: 'host', hostOrgId: ids.orgs.MCC! },
      'MFRS',
    );
    expect(byLines.rows.length).toBeGreaterThan(60);
    expect(new Set(byLines.rows.map((row) => row.rag))).toEqual(new Set(['green', 'red', null]));
    expectSame(byLines, inSql, ids.orgs.MFRS!);
  });

  it('agrees for a partner, which sees its own lines only', async () => {
    const { byLines, inSql } = await both(
      { userId: ids.users[PEOPLE.wdcManager]!, orgIds: [ids.orgs.WDC!] },
      { kind: 'partner', orgId: ids.orgs.WDC! },
      'MFRS',
    );
    expect(new Set(byLines.rows.map((row) => row.orgId))).toEqual(new Set([ids.orgs.WDC]));
    expectSame(byLines, inSql, ids.orgs.WDC!);
  });
});
