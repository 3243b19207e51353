import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiTokenFor, buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';

let t: TestApp;
const ids: Record<string, string> = {};

const tokenFor = (email: string, code: string) => apiTokenFor(t.db, email, code);
const api = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
  apiCall(t.app, token, method, url, body);

let manager: string;
let wyvern: string;

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(ids, (await demoIds(t.db)).orgs);
  manager = await tokenFor('service.manager@mercia.example', 'MCC');
  wyvern = await tokenFor('requester@wyvern.example', 'WDC');
});
afterAll(() => t.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by value, not by type
type Json = Record<string, any>;
describe('service lines', () => {
  it('lets a host service manager add a line, with teams, which they then keep', async () => {
    const created = await api(manager, 'POST', '/api/v1/catalogue/service-lines', {
      code: 'REVS',
      name: 'Revenues and benefits',
      teams: ['Council tax', 'Benefits'],
    });
    expect(created.statusCode).toBe(201);
    const lines = (await api(manager, 'GET', '/api/v1/catalogue/service-lines')).json().data as Json[];
    expect(lines.find((l) => l.code === 'REVS')).toEqual({
      code: 'REVS',
      name: 'Revenues and benefits',
      teams: ['Benefits', 'Council tax'],
      managed: true,
    });
    expect(lines.length).toBe(7);
    expect(
      (await api(wyvern, 'POST', '/api/v1/catalogue/service-lines', { code: 'EVIL', name: 'Evil' }))
        .statusCode,
    ).toBe(403);
  });
});
