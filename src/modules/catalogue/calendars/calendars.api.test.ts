import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

let manager: string;
let fire: string;

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
  manager = await tokenFor('service.manager@mercia.example', 'MCC');
  fire = await tokenFor('requester@merciafire.example', 'MFRS');
});
afterAll(() => t.close());

const count = async (table: string) =>
  Number(
    (
      await t.db.kysely
        .selectFrom(table as 'users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('calendars', () => {
  const calendar = {
    code: 'TEST-CAL',
    name: 'Test calendar',
    timeZone: 'Europe/London',
    hours: {
      monday: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      friday: [['09:00', '16:00']],
    },
    holidays: 'england-and-wales',
    closures: ['2026-12-24'],
  };

  it('creates, reads and replaces a calendar in exactly the published shape', async () => {
    const created = await api(manager, 'POST', '/api/v1/calendars', calendar);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual(calendar);
    expect((await api(manager, 'GET', '/api/v1/calendars/TEST-CAL')).json()).toEqual(calendar);
    const replaced = await api(manager, 'PUT', '/api/v1/calendars/TEST-CAL', {
      ...calendar,
      holidays: null,
      closures: [],
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toEqual({ ...calendar, holidays: null, closures: [] });
    expect((await api(fire, 'POST', '/api/v1/calendars', { ...calendar, code: 'FIRE-CAL' })).statusCode).toBe(
      403,
    );
  });

  it('refuses a backwards interval or an unknown zone with a stable code, changing nothing', async () => {
    const before = await count('calendars');
    const backwards = await api(manager, 'POST', '/api/v1/calendars', {
      ...calendar,
      code: 'BAD-CAL',
      hours: { monday: [['17:00', '09:00']] },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({
      code: 'ERR_INVALID_INTERVAL',
      details: { fields: { 'hours.monday': 'catalogue.errors.intervalInvalid' } },
    });
    const zone = await api(manager, 'POST', '/api/v1/calendars', {
      ...calendar,
      code: 'BAD-CAL',
      timeZone: 'Europe/Atlantis',
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.code).toBe('ERR_INVALID_TIME_ZONE');
    const put = await api(manager, 'PUT', '/api/v1/calendars/TEST-CAL', { ...calendar, timeZone: 'Nowhere' });
    expect(put.json().error.code).toBe('ERR_INVALID_TIME_ZONE');
    expect(await count('calendars')).toBe(before);
    expect((await api(manager, 'GET', '/api/v1/calendars/TEST-CAL')).json().timeZone).toBe('Europe/London');
  });

  it('works out due times across the clock change and Easter', async () => {
    // Friday 27 March 2026, 16:00 GMT: half an hour left that day; the clocks go forward on Sunday.
    const due = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=60',
    );
    expect(due.statusCode).toBe(200);
    expect(due.json()).toEqual({ due: '2026-03-30T08:00:00.000Z' });
    // Maundy Thursday at closing: Good Friday and Easter Monday are bank holidays.
    const easter = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-04-02T16:00:00Z&minutes=60',
    );
    expect(easter.json()).toEqual({ due: '2026-04-07T08:30:00.000Z' });
    const fills = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-30T07:30:00Z&minutes=240',
    );
    expect(fills.json()).toEqual({ due: '2026-03-30T11:30:00.000Z' });
    const between = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/working-minutes?from=2026-03-30T07:30:00Z&to=2026-03-30T12:00:00Z',
    );
    expect(between.json()).toEqual({ minutes: 240 });
  });

  it('refuses negative, non-numeric or huge minutes and bad instants', async () => {
    for (const minutes of ['-5', 'abc', '1.5', '525601', '']) {
      const response = await api(
        fire,
        'GET',
        `/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=${minutes}`,
      );
      expect(response.statusCode, minutes).toBe(400);
      expect(response.json().error.code).toBe('ERR_INVALID_MINUTES');
    }
    const from = await api(fire, 'GET', '/api/v1/calendars/MCC-OFFICE/due?from=yesterday&minutes=5');
    expect(from.json().error.code).toBe('ERR_INVALID_INSTANT');
    const local = await api(
      fire,
      'GET',
      '/api/v1/calendars/MCC-OFFICE/due?from=2026-03-27T16:00:00&minutes=5',
    );
    expect(local.json().error.code).toBe('ERR_INVALID_INSTANT');
    expect(
      (await api(fire, 'GET', '/api/v1/calendars/WDC-OFFICE/due?from=2026-03-27T16:00:00Z&minutes=5'))
        .statusCode,
    ).toBe(404);
  });
});
