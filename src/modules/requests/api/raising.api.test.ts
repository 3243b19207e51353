import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { openTestDatabase } from '../../../../test/helpers/database.js';
import { testEngine } from '../../../../test/helpers/engine.js';
import {
  as,
  expectStatus,
  FAULT,
  LAPTOP,
  releaseClock,
  requestTokens,
  type Tokens,
} from '../../../../test/helpers/requests.js';
import { requestsService } from '../requests.service.js';

let t: TestApp;
let tokens: Tokens;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  releaseClock();
});
afterAll(() => t.close());

const counter = async (code: string) =>
  (
    await sql<{
      n: number;
    }>`select coalesce((select last_number from request_counters c join organisations o on o.id = c.org_id
      where o.code = ${code}), 0) as n`.execute(t.db.kysely)
  ).rows[0]!.n;

describe('raising a request', () => {
  it('raises from the variant a partner sees, numbers it, keeps the SLA policy and starts both clocks', async () => {
    const before = await counter('WDC');
    const response = await as(t, tokens.wdcRequester).post('/requests', { ...FAULT, priority: 'high' });
    const body = expectStatus(response, 201);
    expect(body.reference).toBe(`WDC-${String(before + 1).padStart(6, '0')}`);
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers.location).toBe(`/api/v1/requests/${body.reference}`);
    expect(body).toMatchObject({
      status: 'open',
      priority: 'high',
      offering: { code: 'IT-FAULT', name: 'Report an IT fault' },
      organisation: { code: 'WDC' },
      requester: { name: 'Imran Shah', email: 'requester@wyvern.example' },
      version: 1,
    });
    // Wyvern's variant of IT-FAULT runs on Wyvern's own calendar and policy (IT-WDC): high is 60 minutes.
    expect(body.sla.response).toMatchObject({ target: 60, elapsed: 0, paused: 0, stoppedAt: null });
    expect(['on_track', 'warning', 'breached']).toContain(body.sla.response.state);
    expect(body.timeline.map((e: { kind: string; to: string }) => [e.kind, e.to])).toEqual([
      ['submitted', 'submitted'],
      ['status', 'open'],
    ]);
    const stored = await sql<{ sla: { code: string; calendar: { code: string } } }>`
      select sla from requests where id = ${body.id}`.execute(t.db.kysely);
    expect(stored.rows[0]!.sla.code).toBe('IT-WDC');
    expect(stored.rows[0]!.sla.calendar.code).toBe('WDC-OFFICE');
    const work = await sql<{ status: string; active: boolean }>`
      select status, active from request_work where request_id = ${body.id}`.execute(t.db.kysely);
    expect(work.rows).toEqual([{ status: 'open', active: true }]);
  });

  it('sends a request for an offering that needs approval to the partner manager', async () => {
    const body = expectStatus(await as(t, tokens.wdcRequester).post('/requests', LAPTOP), 201);
    expect(body.status).toBe('awaiting_approval');
    expect(body.priority).toBe('medium');
    expect(body.actions).toEqual(['withdraw', 'reply']);
  });

  it('refuses offerings a partner may not request, alike, naming the field', async () => {
    for (const offering of ['NO-SUCH-THING', 'LEG-ADVICE', 'PRT-BUSINESS-CARDS']) {
      // Fire does not take Legal; Wyvern hides business cards.
      const token = offering === 'LEG-ADVICE' ? tokens.mfrsRequester : tokens.wdcRequester;
      const body = expectStatus(await as(t, token).post('/requests', { ...FAULT, offering }), 400);
      expect(body.error.code).toBe('ERR_UNKNOWN_OFFERING');
      expect(body.error.details.fields).toEqual({ offering: 'requests.errors.offeringUnknown' });
    }
  });

  it('checks every answer against the form and names the question by its label', async () => {
    const response = await as(t, tokens.wdcRequester).post('/requests', {
      offering: 'IT-LAPTOP',
      subject: 'Laptop',
      answers: { reason: 'Because', colour: 'blue' },
    });
    const body = expectStatus(response, 400);
    expect(body.error.code).toBe('ERR_VALIDATION');
    expect(body.error.details.fields).toEqual({
      'answers.colour': 'requests.errors.answerUnknown',
      'answers.for_whom': 'requests.errors.answerRequired',
      'answers.reason': 'requests.errors.answerChoice',
    });
    expect(body.error.details.labels).toMatchObject({
      'answers.for_whom': 'For whom',
      'answers.reason': 'Reason',
    });
    expect(body.error.message).toContain('For whom');
    // The variant's extra question is asked after the standard ones, and required.
    const starter = await as(t, tokens.wdcRequester).post('/requests', {
      offering: 'IT-NEW-STARTER',
      subject: 'New starter',
      answers: {},
    });
    expect(expectStatus(starter, 400).error.details.fields).toHaveProperty('answers.wyvern_cost_centre');
  });

  it('refuses a missing subject and an unknown priority by field, and nothing is written', async () => {
    const before = await counter('WDC');
    const body = expectStatus(
      await as(t, tokens.wdcRequester).post('/requests', {
        offering: 'it-fault',
        subject: '',
        priority: 'urgent',
      }),
      400,
    );
    expect(body.error.details.fields).toMatchObject({
      subject: 'requests.errors.subjectMissing',
      priority: 'requests.errors.priorityInvalid',
    });
    expect(await counter('WDC')).toBe(before);
  });

  it('answers an anonymous caller 401 before it reads the body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: { 'content-type': 'application/json' },
      payload: '{"offering": 5}',
    });
    expect(expectStatus(response, 401).error.code).toBe('ERR_UNAUTHENTICATED');
  });

  it('lets only partners’ requesters and managers raise', async () => {
    for (const who of ['agent', 'admin', 'finance'] as const) {
      expect(expectStatus(await as(t, tokens[who]).post('/requests', FAULT), 403).error.code).toBe(
        'ERR_FORBIDDEN',
      );
    }
    // A host directorate raises like any partner.
    const body = expectStatus(await as(t, tokens.chsRequester).post('/requests', FAULT), 201);
    expect(body.reference).toMatch(/^MCC-CHS-\d{6}$/);
  });
});

describe('Idempotency-Key', () => {
  it('gives the first request again for the same key and body, and refuses the key with another body', async () => {
    const api = as(t, tokens.wdcManager);
    const key = { 'idempotency-key': 'order-7731' };
    const first = expectStatus(await api.post('/requests', FAULT, key), 201);
    const before = await counter('WDC');
    const again = expectStatus(await api.post('/requests', { ...FAULT, priority: 'medium' }, key), 201);
    expect(again.id).toBe(first.id);
    expect(again.reference).toBe(first.reference);
    expect(await counter('WDC')).toBe(before);
    const other = expectStatus(
      await api.post('/requests', { ...FAULT, subject: 'Something else' }, key),
      409,
    );
    expect(other.error.code).toBe('ERR_IDEMPOTENCY_KEY_REUSED');
    // Keys are the caller's own: another person's same key raises a new request.
    const someoneElse = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT, key), 201);
    expect(someoneElse.id).not.toBe(first.id);
    expect(
      expectStatus(await api.post('/requests', FAULT, { 'idempotency-key': 'x'.repeat(201) }), 400).error
        .code,
    ).toBe('ERR_VALIDATION');
  });
});

describe('numbering', () => {
  it(
    'numbers requests raised at once without gaps or duplicates',
    async () => {
      // On a server each raise has a connection of its own, so they really do race for the counter.
      const db = await openTestDatabase();
      try {
        const requests = requestsService(db);
        const [user] = (
          await sql<{
            id: string;
          }>`select id from users where email = 'requester@merciafire.example'`.execute(db.kysely)
        ).rows;
        const [org] = (
          await sql<{ id: string }>`select id from organisations where code = 'MFRS'`.execute(db.kysely)
        ).rows;
        const principal = {
          userId: user!.id,
          email: 'requester@merciafire.example',
          name: 'Kieran Doyle',
          org: {
            orgId: org!.id,
            code: 'MFRS',
            name: 'Mercia Fire and Rescue Service',
            role: 'partner' as const,
            roles: ['requester' as const],
          },
          memberships: [],
          via: 'token' as const,
        };
        const start = (
          await sql<{
            n: number;
          }>`select coalesce(max(last_number), 0) as n from request_counters where org_id = ${org!.id}`.execute(
            db.kysely,
          )
        ).rows[0]!.n;
        const raised = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            requests.raise({ principal }, { ...FAULT, subject: `Fault ${i}` }),
          ),
        );
        const numbers = raised
          .map((r) => Number(r.view.reference.slice('MFRS-'.length)))
          .sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1));
        const stored = (
          await sql<{ reference: string }>`select reference from requests where org_id = ${org!.id}`.execute(
            db.kysely,
          )
        ).rows;
        expect(new Set(stored.map((r) => r.reference)).size).toBe(stored.length);
      } finally {
        await db.destroy();
      }
    },
    testEngine() === 'server' ? 60_000 : 120_000,
  );
});
