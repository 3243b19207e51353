import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../../test/helpers/database.js';
import type { Caller } from '../../../platform/auth/index.js';
import { lineAmount, parseQuantity } from '../../../kernel/quantity.js';
import { financeCaller, recordEvents, services, type TestEvent } from '../billing.test-helpers.js';
import type { StatementView } from '../statements/statements.service.js';

/**
 * Properties of the recharge engine, checked against the database on random inputs: each case gets
 * a month of its own (from 2033 on), so that cases never see each other's usage or pools.
 */

let db: TestDatabase;
let finance: Caller;
let billing: ReturnType<typeof services>;
let nextMonth = 0;
let nextKey = 0;

function freshMonth(): string {
  const index = nextMonth++;
  return `${2033 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

beforeAll(async () => {
  db = await openTestDatabase();
  finance = await financeCaller(db);
  billing = services(db);
});
afterAll(() => db.destroy());

const lines = (statement: StatementView) => statement.serviceLines.flatMap((group) => group.lines);
const thousandths = (text: string) =>
  (parseQuantity(text, { allowNegative: true, allowZero: true }) as { thousandths: bigint }).thousandths;
const RUNS = { numRuns: 6, endOnFailure: true };

const PARTNERS = ['MCC-ASC', 'MCC-CHS', 'MCC-RES', 'MFRS', 'WDC'] as const;
const OFFERINGS: Record<string, readonly string[]> = {
  WDC: ['IT-FAULT', 'FIN-PAYSLIP', 'PRT-BULK', 'FIN-SUPPLIER-INVOICE'],
  MFRS: ['IT-PASSWORD-RESET', 'FIN-PAYSLIP', 'PRT-BULK'],
  'MCC-RES': ['IT-FAULT', 'FIN-SUPPLIER-INVOICE'],
};

const eventsArbitrary = fc.array(
  fc.record({
    org: fc.constantFrom('WDC', 'MFRS', 'MCC-RES'),
    pick: fc.nat(),
    quantity: fc.integer({ min: 1, max: 250_000 }),
    day: fc.integer({ min: 1, max: 28 }),
    minute: fc.integer({ min: 0, max: 1439 }),
  }),
  { minLength: 1, maxLength: 40 },
);

function toEvents(
  month: string,
  drawn: Array<{ org: string; pick: number; quantity: number; day: number; minute: number }>,
): TestEvent[] {
  return drawn.map((e) => {
    const offerings = OFFERINGS[e.org]!;
    const time = `${String(Math.floor(e.minute / 60)).padStart(2, '0')}:${String(e.minute % 60).padStart(2, '0')}`;
    const whole = Math.floor(e.quantity / 1000);
    const fraction = String(e.quantity % 1000).padStart(3, '0');
    return {
      key: `prop-${nextKey++}`,
      organisation: e.org,
      offering: offerings[e.pick % offerings.length]!,
      quantity: `${whole}.${fraction}`,
      occurredAt: `${month}-${String(e.day).padStart(2, '0')}T${time}:00Z`,
    };
  });
}

describe('recharge properties', () => {
  it('shares every pool among its drivers so that the shares add up to the pool exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 100_000_000_000n }),
        fc.array(fc.integer({ min: 0, max: 5_000_000 }), {
          minLength: PARTNERS.length,
          maxLength: PARTNERS.length,
        }),
        fc.constantFrom('headcount', 'transactions', 'floor_area'),
        async (amount, weights, driver) => {
          fc.pre(weights.some((w) => w > 0));
          const month = freshMonth();
          await billing.pools.importPools(
            finance,
            `service_line,period,amount,driver,description\nIT,${month},${amount / 100n}.${String(amount % 100n).padStart(2, '0')},${driver},`,
          );
          const values = PARTNERS.map(
            (code, i) =>
              `${code},IT,${driver},${Math.floor(weights[i]! / 1000)}.${String(weights[i]! % 1000).padStart(3, '0')},${month}`,
          );
          await billing.pools.importDrivers(
            finance,
            ['organisation,service_line,driver,value,period', ...values].join('\n'),
          );
          const { run } = await billing.runs.create(finance, { period: month });
          const shares = (await billing.statements.ofRun(finance, run.id)).flatMap((s) =>
            lines(s)
              .filter((l) => l.kind === 'pool_share')
              .map((l) => ({
                org: s.organisation.code,
                pence: BigInt(l.amountPence),
                value: thousandths(l.quantity!),
              })),
          );
          const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
          expect(shares.reduce((sum, s) => sum + s.pence, 0n)).toBe(amount);
          for (const share of shares) {
            // Within a penny of the exact proportion.
            const exact = amount * share.value;
            expect(share.pence * total <= exact + total && share.pence * total >= exact - total).toBe(true);
          }
          await billing.runs.discard(finance, run.id);
        },
      ),
      RUNS,
    );
  });

  it('makes each statement the sum of its lines, each line its events’ quantity at one price rounded once, and a rerun the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArbitrary, async (drawn) => {
        const month = freshMonth();
        const events = toEvents(month, drawn);
        await recordEvents(db, events);
        const { run } = await billing.runs.create(finance, {
          period: month,
          organisations: ['WDC', 'MFRS', 'MCC-RES'],
        });
        expect(run.unpriced).toEqual([]);
        const statements = await billing.statements.ofRun(finance, run.id);
        for (const statement of statements) {
          expect(statement.totalPence).toBe(lines(statement).reduce((sum, l) => sum + l.amountPence, 0));
          for (const line of lines(statement).filter((l) => l.kind === 'usage')) {
            expect(BigInt(line.amountPence)).toBe(
              lineAmount(thousandths(line.quantity!), BigInt(line.unitPricePence!)),
            );
            const drill = await billing.statements.lineEvents(
              finance,
              { runId: run.id, organisation: statement.organisation.code },
              line.line,
              { limit: 1000 },
            );
            expect(thousandths(drill.totals!.quantity)).toBe(thousandths(line.quantity!));
            expect(drill.events.reduce((sum, e) => sum + thousandths(e.quantity), 0n)).toBe(
              thousandths(line.quantity!),
            );
          }
          // Every event is on exactly one line.
          const perOffering = new Map<string, bigint>();
          for (const e of events.filter((e) => e.organisation === statement.organisation.code))
            perOffering.set(e.offering, (perOffering.get(e.offering) ?? 0n) + thousandths(e.quantity));
          const onLines = new Map<string, bigint>();
          for (const l of lines(statement).filter((l) => l.kind === 'usage'))
            onLines.set(l.offering!.code, (onLines.get(l.offering!.code) ?? 0n) + thousandths(l.quantity!));
          expect(onLines).toEqual(perOffering);
        }
        const before = JSON.stringify(statements);
        const again = await billing.runs.compute(finance, run.id);
        expect(again.changed).toBe(false);
        expect(JSON.stringify(await billing.statements.ofRun(finance, run.id))).toBe(before);
        await billing.runs.discard(finance, run.id);
      }),
      RUNS,
    );
  });

  it('corrects a statement so that the credit note and the new statement bring it to the corrected total', async () => {
    await fc.assert(
      fc.asyncProperty(eventsArbitrary, eventsArbitrary, async (first, late) => {
        const month = freshMonth();
        await recordEvents(db, toEvents(month, first));
        const { run } = await billing.runs.create(finance, {
          period: month,
          organisations: ['WDC', 'MFRS', 'MCC-RES'],
        });
        await billing.runs.review(finance, run.id);
        await billing.runs.issue(finance, run.id);
        const issued = await billing.statements.ofRun(finance, run.id);
        await recordEvents(db, toEvents(month, late));
        // What the statements should now say: a fresh draft of the same period, discarded afterwards.
        const fresh = await billing.runs.create(finance, {
          period: month,
          organisations: ['WDC', 'MFRS', 'MCC-RES'],
        });
        const expected = new Map(
          (await billing.statements.ofRun(finance, fresh.run.id)).map((s) => [
            s.organisation.code,
            s.totalPence,
          ]),
        );
        await billing.runs.discard(finance, fresh.run.id);

        const correction = await billing.runs.correct(
          finance,
          issued.map((s) => s.number),
        );
        await billing.runs.review(finance, correction.run.id);
        await billing.runs.issue(finance, correction.run.id);
        const corrected = await billing.statements.ofRun(finance, correction.run.id);
        for (const original of issued) {
          const mine = corrected.filter((s) => s.organisation.code === original.organisation.code);
          const credit = mine.find((s) => s.kind === 'credit_note')!;
          const replacement = mine.find((s) => s.kind === 'statement')!;
          expect(credit.corrects).toBe(original.number);
          expect(credit.totalPence + original.totalPence).toBe(0);
          expect(replacement.totalPence).toBe(expected.get(original.organisation.code) ?? 0);
          expect(original.totalPence + credit.totalPence + replacement.totalPence).toBe(
            replacement.totalPence,
          );
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
  });
});
