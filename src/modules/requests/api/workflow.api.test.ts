import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  LAPTOP,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../../test/helpers/requests.js';

let t: TestApp;
let tokens: Tokens;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
const action = (who: keyof Tokens, reference: string, name: string, body: unknown = {}, headers = {}) =>
  as(t, tokens[who]).post(`/requests/${reference}/actions/${name}`, body, headers);

/** What is kept on the request for queues, beside what GET reads now from the history. */
async function expectStoredAsRead(view: Body): Promise<void> {
  const { rows } = await sql<{
    response_state: string;
    response_due_at: Date | null;
    resolution_state: string;
    resolution_due_at: Date | null;
  }>`select response_state, response_due_at, resolution_state, resolution_due_at from requests where id = ${view.id}`.execute(
    t.db.kysely,
  );
  const stored = rows[0]!;
  expect(stored.response_state).toBe(view.sla.response.state);
  expect(stored.response_due_at?.toISOString() ?? null).toBe(view.sla.response.due);
  expect(stored.resolution_state).toBe(view.sla.resolution.state);
  expect(stored.resolution_due_at?.toISOString() ?? null).toBe(view.sla.resolution.due);
}

describe('a request from raising to closing', () => {
  it('moves only as the rules allow, by whom they allow, against the version last seen', async () => {
    // Monday 23 March 2026, 09:00 in London (GMT), on the council offices' calendar.
    clockAt('2026-03-23T09:00:00Z');
    const raised = expectStatus(await as(t, tokens.wdcRequester).post('/requests', LAPTOP), 201);
    const ref = raised.reference as string;
    expect(raised.status).toBe('awaiting_approval');

    clockAt('2026-03-23T09:10:00Z');
    expect(expectStatus(await action('agent', ref, 'resolve', { note: 'Done' }), 409).error.code).toBe(
      'ERR_INVALID_TRANSITION',
    );
    expect(expectStatus(await action('wdcRequester', ref, 'approve'), 403).error.code).toBe('ERR_FORBIDDEN');
    expect(expectStatus(await action('wdcManager', ref, 'reject', {}), 400).error.details.fields).toEqual({
      reason: 'requests.errors.reasonMissing',
    });
    const approved = expectStatus(await action('wdcManager', ref, 'approve', {}, ifMatch(1)), 200);
    expect(approved).toMatchObject({ status: 'open', version: 2 });
    expect(approved.timeline.at(-1)).toMatchObject({
      kind: 'status',
      from: 'awaiting_approval',
      to: 'open',
      actor: { kind: 'partner_manager', name: 'Julia Bennett' },
    });
    expect(expectStatus(await action('wdcManager', ref, 'approve'), 409).error.code).toBe(
      'ERR_INVALID_TRANSITION',
    );

    clockAt('2026-03-23T09:30:00Z');
    const stale = expectStatus(await action('agent', ref, 'pick-up', undefined, ifMatch(1)), 409);
    expect(stale.error.code).toBe('ERR_STALE');
    const picked = expectStatus(await action('agent', ref, 'pick-up', undefined, ifMatch(2)), 200);
    expect(picked).toMatchObject({ status: 'in_progress', version: 3 });
    expect(picked.internal.assignee.name).toBe('Bethan Price');
    // The service centre's status change is its response: 30 working minutes after submission.
    expect(picked.sla.response).toMatchObject({
      elapsed: 30,
      state: 'met',
      stoppedAt: '2026-03-23T09:30:00.000Z',
    });
    await expectStoredAsRead(picked);

    clockAt('2026-03-23T10:00:00Z');
    const asked = expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/comments`, {
        body: 'Which model?',
        awaitRequester: true,
      }),
      201,
    );
    expect(asked.status).toBe('awaiting_requester');

    clockAt('2026-03-23T11:00:00Z');
    const answered = expectStatus(
      await as(t, tokens.wdcRequester).post(`/requests/${ref}/comments`, { body: 'The light one.' }),
      201,
    );
    expect(answered.status).toBe('in_progress');
    expect(answered.timeline.slice(-2).map((e: Body) => [e.kind, e.actor.kind, e.to])).toEqual([
      ['reply', 'requester', null],
      ['status', 'system', 'in_progress'],
    ]);
    // Waiting for the requester pauses the clock (a pause state of the policy).
    expect(answered.sla.resolution).toMatchObject({ elapsed: 60, paused: 60 });

    clockAt('2026-03-23T14:00:00Z');
    const resolved = expectStatus(
      await action('agent', ref, 'resolve', { note: 'Delivered to reception.' }),
      200,
    );
    expect(resolved.status).toBe('resolved');
    // 09:00–10:00 and 11:00–12:30 and 13:15–14:00 running, 10:00–11:00 paused.
    expect(resolved.sla.resolution).toMatchObject({
      elapsed: 195,
      paused: 60,
      state: 'met',
      stoppedAt: '2026-03-23T14:00:00.000Z',
    });
    expect(resolved.resolvedAt).toBe('2026-03-23T14:00:00.000Z');
    await expectStoredAsRead(resolved);
    expect(resolved.actions).toEqual(['reply', 'note', 'record-time']);
    expect(
      expectStatus(await action('agent', ref, 'change-priority', { priority: 'low', reason: 'x' }), 409).error
        .code,
    ).toBe('ERR_INVALID_TRANSITION');
    const forRequester = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${ref}`), 200);
    expect(forRequester.actions).toEqual(expect.arrayContaining(['confirm', 'reopen']));
    expect(forRequester.timeline.at(-1)).toMatchObject({
      body: 'Delivered to reception.',
      actor: { kind: 'agent', name: null },
    });

    clockAt('2026-03-24T09:00:00Z');
    const closed = expectStatus(await action('wdcRequester', ref, 'confirm'), 200);
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt: '2026-03-24T09:00:00.000Z',
      resolvedAt: '2026-03-23T14:00:00.000Z',
    });
    expect(
      expectStatus(await action('wdcRequester', ref, 'reopen', { reason: 'Broken' }), 409).error.code,
    ).toBe('ERR_INVALID_TRANSITION');
    expect(
      expectStatus(await as(t, tokens.agent).post(`/requests/${ref}/comments`, { body: 'Hello' }), 409).error
        .code,
    ).toBe('ERR_INVALID_TRANSITION');
    const audit = await sql<{ action: string }>`
      select action from audit_events where entity_id = ${raised.id} order by id`.execute(t.db.kysely);
    expect(audit.rows.map((row) => row.action)).toEqual([
      'request.raise',
      'request.approve',
      'request.pick-up',
      'request.reply',
      'request.reply',
      'request.resolve',
      'request.confirm',
    ]);
  });

  it('reopens within five working days of resolution, and the clocks carry on', async () => {
    clockAt('2026-03-23T09:00:00Z');
    const ref = expectStatus(
      await as(t, tokens.wdcRequester).post('/requests', {
        ...FAULT,
        offering: 'IT-SOFTWARE',
        answers: { software_name: 'GIS', asset_tag: 'A1' },
      }),
      201,
    ).reference as string;
    await action('wdcManager', ref, 'approve');
    clockAt('2026-03-23T10:00:00Z');
    await action('agent', ref, 'pick-up');
    clockAt('2026-03-23T11:00:00Z');
    expectStatus(await action('agent', ref, 'resolve', { note: 'Installed' }), 200);
    // Five working days after Monday 23 March: Tuesday to Friday, then Monday 30 March closes the window.
    clockAt('2026-03-30T15:00:00Z');
    const reopened = expectStatus(await action('wdcRequester', ref, 'reopen', { reason: 'It crashes' }), 200);
    expect(reopened.status).toBe('open');
    expect(reopened.resolvedAt).toBeNull();
    expect(reopened.sla.resolution.stoppedAt).toBeNull();
    // 09:00–11:00 on the 23rd; the week's working time while it was resolved does not count.
    expect(reopened.sla.resolution.elapsed).toBe(120);
    clockAt('2026-03-30T16:00:00Z');
    expect(
      expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${ref}`), 200).sla.resolution.elapsed,
    ).toBe(180);
    expectStatus(await action('agent', ref, 'pick-up'), 200);
    expectStatus(await action('agent', ref, 'resolve', { note: 'Reinstalled' }), 200);
    // Resolved again on 30 March: Easter's bank holidays put the fifth working day on Wednesday 8 April.
    // It closes at 17:00 in London (16:00 GMT).
    clockAt('2026-04-08T16:01:00Z');
    const late = expectStatus(await action('wdcRequester', ref, 'reopen', { reason: 'Again' }), 409);
    expect(late.error.code).toBe('ERR_REOPEN_WINDOW_CLOSED');
  });

  it('applies a new priority to the time already elapsed: a breach can come at once, in the past', async () => {
    clockAt('2026-03-23T09:00:00Z');
    const ref = expectStatus(
      await as(t, tokens.wdcRequester).post('/requests', { ...LAPTOP, priority: 'low' }),
      201,
    ).reference as string;
    await action('wdcManager', ref, 'approve');
    clockAt('2026-03-23T15:00:00Z');
    expect(
      expectStatus(await action('agent', ref, 'change-priority', { priority: 'critical' }), 400).error.details
        .fields,
    ).toEqual({
      reason: 'requests.errors.reasonMissing',
    });
    const changed = expectStatus(
      await action('agent', ref, 'change-priority', {
        priority: 'critical',
        reason: 'The whole office is down',
      }),
      200,
    );
    // Critical: respond within 30 working minutes, resolve within 240 — both passed already.
    expect(changed.sla.response).toMatchObject({
      target: 30,
      state: 'breached',
      breachedAt: '2026-03-23T09:30:00.000Z',
    });
    expect(changed.sla.resolution).toMatchObject({
      target: 240,
      state: 'breached',
      due: '2026-03-23T13:45:00.000Z',
    });
    await expectStoredAsRead(changed);
    expect(
      expectStatus(await action('agent', ref, 'change-priority', { priority: 'critical', reason: 'x' }), 400)
        .error.details.fields,
    ).toEqual({
      priority: 'requests.errors.samePriority',
    });
  });

  it('lets the requester withdraw a request not yet in progress, and no later', async () => {
    clockAt('2026-03-24T09:00:00Z');
    const first = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201)
      .reference as string;
    const withdrawn = expectStatus(
      await action('wdcRequester', first, 'withdraw', { reason: 'Fixed itself' }),
      200,
    );
    expect(withdrawn.status).toBe('withdrawn');
    const second = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201)
      .reference as string;
    await action('agent', second, 'pick-up');
    expect(expectStatus(await action('wdcRequester', second, 'withdraw'), 409).error.code).toBe(
      'ERR_INVALID_TRANSITION',
    );
    expect(expectStatus(await action('agent', second, 'withdraw'), 403).error.code).toBe('ERR_FORBIDDEN');
  });

  it('pauses with a reason and resumes; only the service centre does either', async () => {
    clockAt('2026-03-24T09:00:00Z');
    const ref = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201)
      .reference as string;
    expect(
      expectStatus(await action('agent', ref, 'pause', { status: 'on_hold', reason: 'Parts' }), 409).error
        .code,
    ).toBe('ERR_INVALID_TRANSITION');
    await action('agent', ref, 'pick-up');
    expect(
      expectStatus(await action('wdcRequester', ref, 'pause', { status: 'on_hold', reason: 'x' }), 403).error
        .code,
    ).toBe('ERR_FORBIDDEN');
    const paused = expectStatus(
      await action('agent', ref, 'pause', { status: 'awaiting_third_party', reason: 'Supplier' }),
      200,
    );
    expect(paused.status).toBe('awaiting_third_party');
    expect(paused.sla.resolution.state).toBe('paused');
    expect(paused.sla.resolution.due).toBeNull();
    const resumed = expectStatus(await action('agent', ref, 'resume'), 200);
    expect(resumed.status).toBe('in_progress');
  });
});

describe('the service centre’s own side', () => {
  it('keeps notes and time from the partner, and corrects time by reversing it', async () => {
    clockAt('2026-03-25T09:00:00Z');
    const ref = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201)
      .reference as string;
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/notes`, { body: 'Known issue with this model' }),
      201,
    );
    expect(
      expectStatus(await as(t, tokens.wdcRequester).post(`/requests/${ref}/notes`, { body: 'x' }), 403).error
        .code,
    ).toBe('ERR_FORBIDDEN');
    const entry = expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/time-entries`, { minutes: 45, activity: 'Diagnosis' }),
      201,
    );
    expect(entry).toMatchObject({
      minutes: 45,
      activity: 'Diagnosis',
      workedOn: '2026-03-25',
      reversesId: null,
    });
    const reversal = expectStatus(
      await as(t, tokens.agent).post(`/requests/${ref}/time-entries/${entry.id}/reversal`),
      201,
    );
    expect(reversal).toMatchObject({ minutes: -45, reversesId: entry.id });
    expect(
      expectStatus(await as(t, tokens.agent).post(`/requests/${ref}/time-entries/${entry.id}/reversal`), 409)
        .error.code,
    ).toBe('ERR_ALREADY_REVERSED');
    expect(
      expectStatus(
        await as(t, tokens.agent).post(`/requests/${ref}/time-entries`, { minutes: 0, activity: 'x' }),
        400,
      ).error.details.fields,
    ).toEqual({ minutes: 'requests.errors.minutesInvalid' });
    const host = expectStatus(await as(t, tokens.agent).get(`/requests/${ref}`), 200);
    expect(host.internal.notes.map((n: Body) => n.body)).toContain('Known issue with this model');
    expect(host.internal.timeEntries).toHaveLength(2);
    expect(host.internal.minutesRecorded).toBe(0);
    const partner = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${ref}`), 200);
    expect(partner).not.toHaveProperty('internal');
    expect(JSON.stringify(partner)).not.toContain('Known issue');
  });
});
