import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Tokens,
} from '../../../../test/helpers/requests.js';

let t: TestApp;
let tokens: Tokens;
/** The request the first test resolves. */
let resolvedReference: string | undefined;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

const action = (who: keyof Tokens, reference: string, name: string, body: unknown = {}) =>
  as(t, tokens[who]).post(`/requests/${reference}/actions/${name}`, body);

/** The usage a request made, oldest first, as metering keeps it. */
async function usageOf(reference: string) {
  const { rows } = await sql<{
    key: string;
    source: string;
    quantity: string;
    occurred_on: string;
    reverses: string | null;
    org: string;
    offering: string;
  }>`select e.key, e.source, e.quantity::text as quantity, e.occurred_on::text as occurred_on, e.reverses,
            o.code as org, f.code as offering
       from usage_events e join organisations o on o.id = e.org_id join offerings f on f.id = e.offering_id
      where e.request_reference = ${reference} order by e.id`.execute(t.db.kysely);
  return rows;
}

describe('work that is charged for', () => {
  it('a per-request offering makes one request of usage when resolved, taken back when reopened', async () => {
    clockAt('2026-03-23T09:00:00Z');
    const ref = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201).reference;
    resolvedReference = ref;
    expectStatus(await action('agent', ref, 'pick-up'), 200);
    expect(await usageOf(ref)).toEqual([]);

    clockAt('2026-03-23T11:00:00Z');
    expectStatus(await action('agent', ref, 'resolve', { note: 'Cleared the jam' }), 200);
    const id = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${ref}`), 200).id;
    expect(await usageOf(ref)).toEqual([
      {
        key: `request:${id}:completed:1`,
        source: 'request',
        quantity: '1000',
        occurred_on: '2026-03-23',
        reverses: null,
        org: 'WDC',
        offering: 'IT-FAULT',
      },
    ]);

    // Reopened by the requester: a reversal, never an update of what was recorded.
    clockAt('2026-03-24T10:00:00Z');
    expectStatus(await action('wdcRequester', ref, 'reopen', { reason: 'It jams again' }), 200);
    clockAt('2026-03-24T15:00:00Z');
    expectStatus(await action('agent', ref, 'pick-up'), 200);
    expectStatus(await action('agent', ref, 'resolve', { note: 'New roller fitted' }), 200);
    const usage = await usageOf(ref);
    expect(usage.map((u) => [u.key, u.quantity, u.reverses, u.occurred_on])).toEqual([
      [`request:${id}:completed:1`, '1000', null, '2026-03-23'],
      [`request:${id}:reopened:1`, '-1000', `request:${id}:completed:1`, '2026-03-24'],
      [`request:${id}:completed:2`, '1000', null, '2026-03-24'],
    ]);

    // Confirming closes it and charges nothing more.
    expectStatus(await action('wdcRequester', ref, 'confirm'), 200);
    expect(await usageOf(ref)).toHaveLength(3);
  });

  it('time on a per-hour offering is usage in hours on the day worked; a reversal takes it back', async () => {
    clockAt('2026-03-31T22:30:00Z'); // already 1 April in England (BST)
    const ref = expectStatus(
      await as(t, tokens.wdcRequester).post('/requests', {
        offering: 'LEG-ADVICE',
        subject: 'Can we share this data with the police?',
        answers: { question: 'A data sharing request from the police about a tenant' },
      }),
      201,
    ).reference;
    const entry = expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/time-entries`, {
        minutes: 90,
        activity: 'Research',
        workedOn: '2026-03-31',
      }),
      201,
    );
    expect((await usageOf(ref)).map((u) => [u.key, u.source, u.quantity, u.occurred_on, u.offering])).toEqual(
      [[`time:${entry.id}`, 'time', '1500', '2026-03-31', 'LEG-ADVICE']],
    );
    const reversal = expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/time-entries/${entry.id}/reversal`),
      201,
    );
    expect((await usageOf(ref)).map((u) => [u.key, u.quantity, u.reverses])).toEqual([
      [`time:${entry.id}`, '1500', null],
      [`time:${reversal.id}`, '-1500', `time:${entry.id}`],
    ]);
  });

  it('time on a per-request offering makes no usage', async () => {
    clockAt('2026-04-01T09:00:00Z');
    const fault = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201).reference;
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${fault}/time-entries`, {
        minutes: 30,
        activity: 'Diagnosis',
      }),
      201,
    );
    expect(await usageOf(fault)).toEqual([]);
  });

  it('the partner’s manager sees the usage of its requests; another partner’s does not', async () => {
    const reference = resolvedReference!;
    const seen = async (who: keyof Tokens) =>
      (
        expectStatus(
          await as(t, tokens[who]).get('/usage-events?from=2026-03-23&to=2026-03-24&limit=1000'),
          200,
        ).data as Array<{ requestReference: string | null }>
      ).map((event) => event.requestReference);
    expect(await seen('wdcManager')).toContain(reference);
    expect(await seen('mfrsManager')).not.toContain(reference);
  });
});
