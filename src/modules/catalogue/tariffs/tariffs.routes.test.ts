import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The text of the GOV.UK error summary, or '' when there is none. */
function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

describe('the prices page', () => {
  it('imports prices pasted as CSV, or lists every wrong line and imports nothing', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await manager.get('/catalogue/tariffs');
    const csv =
      'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,,0.90,2026-01-01,\nPRT-POST,BWF,abc,2032-01-01,\n';
    const bad = await manager.post('/catalogue/tariffs/import', { csv });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('Line 2: Those dates overlap another price');
    expect(summary).toContain('Line 3: Enter the unit price in pounds');
    const good = await manager.post('/catalogue/tariffs/import', {
      csv: 'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,BWF,0.80,2032-01-01,\n',
    });
    expect(good.statusCode).toBe(303);
    const page = await manager.get(good.headers.location as string);
    expect(page.body).toContain('1 price imported');
    expect(page.body).toContain('Agreed for later');
  });

  /** The prices table's rows as text: offering, organisation, price, from, to, status. */
  const priceRows = (html: string) =>
    [
      ...(/<table class="govuk-table" data-qa="tariffs">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '').matchAll(
        /<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g,
      ),
    ].map((row) =>
      row[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );

  it("shows a partner the standard prices and its own, with one agreed for later, and never another partner's", async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const added = await manager.post('/catalogue/tariffs/import', {
      csv: 'offering,organisation,unit_price,valid_from,valid_to\nFIN-PAYSLIP,WDC,4.05,2099-04-01,\n',
    });
    expect(added.statusCode).toBe(303);

    const wyvern = await signedInBrowser(t.app, 'manager@wyvern.example');
    const page = await wyvern.get('/catalogue/tariffs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="prices-intro"');
    expect(page.body).not.toContain('name="csv"');
    const rows = priceRows(page.body);
    expect(rows).toContainEqual(expect.stringMatching(/Wyvern District Council £3\.60 .* In force$/));
    expect(rows).toContainEqual(
      expect.stringMatching(
        /Wyvern District Council £4\.05 1 April 2099 Until further notice Agreed for later$/,
      ),
    );
    expect(rows.some((row) => row.includes(' Standard £'))).toBe(true);
    // Mercia Fire and Rescue's own payslip price (£4.10) is theirs alone.
    expect(page.body).not.toContain('Mercia Fire and Rescue');
    expect(page.body).not.toContain('£4.10');
    expect((await wyvern.get('/catalogue')).body).toContain('href="/catalogue/tariffs"');

    const fire = await signedInBrowser(t.app, 'requester@merciafire.example');
    const firePage = await fire.get('/catalogue/tariffs');
    expect(firePage.body).toContain('£4.10');
    expect(firePage.body).not.toContain('Wyvern');
    expect(firePage.body).not.toContain('£3.60');
    expect((await fire.post('/catalogue/tariffs/import', { csv: 'offering\n' })).statusCode).toBe(404);
  });

  it("lets the host's finance officer read every price, and change none", async () => {
    const finance = await signedInBrowser(t.app, 'finance@mercia.example');
    const page = await finance.get('/catalogue/tariffs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('£3.60');
    expect(page.body).toContain('£4.10');
    expect(page.body).not.toContain('name="csv"');
    const refused = await finance.post('/catalogue/tariffs/import', {
      csv: 'offering,organisation,unit_price,valid_from,valid_to\nPRT-POST,BWF,0.70,2040-01-01,\n',
    });
    expect(refused.statusCode).toBe(404);
    const agent = await signedInBrowser(t.app, 'agent@mercia.example');
    expect((await agent.get('/catalogue/tariffs')).statusCode).toBe(404);
  });
});
