import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';

// Each page and each API call of the catalogue does its work in one unit of work (one transaction,
// one scope), however many slices it draws on: counted as the connections units of work take.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

async function unitsOf(request: () => Promise<{ statusCode: number }>, expected = 200) {
  const units = vi.spyOn(t.db.kysely, 'connection');
  try {
    const response = await request();
    expect(response.statusCode).toBe(expected);
    return units.mock.calls.length;
  } finally {
    units.mockRestore();
  }
}

describe('one unit of work a page', () => {
  it.each([
    ['service.manager@mercia.example', '/catalogue'],
    ['service.manager@mercia.example', '/catalogue/offerings/IT-FAULT'],
    ['service.manager@mercia.example', '/catalogue/offerings/IT-FAULT/edit'],
    ['service.manager@mercia.example', '/catalogue/offerings/new'],
    ['service.manager@mercia.example', '/catalogue/offerings/IT-NEW-STARTER/variants/WDC'],
    ['service.manager@mercia.example', '/catalogue/divergence'],
    ['service.manager@mercia.example', '/catalogue/tariffs'],
    ['service.manager@mercia.example', '/catalogue/calendars'],
    ['service.manager@mercia.example', '/catalogue/calendars/MCC-OFFICE/edit'],
    ['service.manager@mercia.example', '/catalogue/sla-policies'],
    ['service.manager@mercia.example', '/catalogue/sla-policies/new'],
    ['service.manager@mercia.example', '/catalogue/service-lines/PRINT'],
    ['requester@wyvern.example', '/catalogue'],
    ['requester@wyvern.example', '/catalogue/offerings/IT-NEW-STARTER'],
    [
      'requester@wyvern.example',
      '/catalogue/calendars/MCC-OFFICE?from-day=27&from-month=3&from-year=2026&from-hour=16&from-minute=00&minutes=60',
    ],
    ['requester@wyvern.example', '/catalogue/sla-policies/IT-WDC'],
  ])('%s: %s', async (email, url) => {
    const browser = await signedInBrowser(t.app, email);
    expect(await unitsOf(() => browser.get(url))).toBe(1);
  });

  it('saves a variant through the API and answers with it in one unit of work', async () => {
    const token = await apiTokenFor(t.db, 'service.manager@mercia.example', 'MCC');
    const put = () =>
      apiCall(t.app, token, 'PUT', '/api/v1/catalogue/offerings/PRT-BULK/variants/BWF', { hidden: false });
    await put();
    expect(await unitsOf(put)).toBe(1);
    const price = () =>
      apiCall(t.app, token, 'POST', '/api/v1/catalogue/tariffs', {
        offering: 'PRT-BULK',
        organisation: 'BWF',
        unitPrice: '1.00',
        validFrom: '2039-01-01',
      });
    expect(await unitsOf(price, 201)).toBe(1);
  });
});
