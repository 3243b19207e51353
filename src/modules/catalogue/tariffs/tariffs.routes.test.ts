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

describe('one price at a time, on pages', () => {
  const form = {
    offering: 'PRT-POST',
    organisation: 'BWF',
    unitPrice: '0.75',
    'validFrom-day': '1',
    'validFrom-month': '4',
    'validFrom-year': '2031',
    'validTo-day': '31',
    'validTo-month': '12',
    'validTo-year': '2031',
  };

  it('adds a price with GOV.UK date inputs, naming every wrong field at once and adding nothing', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const page = await manager.get('/catalogue/tariffs/new?offering=PRT-POST');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<option value="PRT-POST" selected>/);
    expect(page.body).toContain('Every partner without its own price (the standard price)');

    const bad = await manager.post('/catalogue/tariffs', {
      ...form,
      unitPrice: '7.5p',
      'validFrom-day': '30',
      'validFrom-month': '2',
      'validTo-day': '1',
      'validTo-month': '1',
      'validTo-year': '2031',
    });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('Enter the unit price in pounds');
    expect(summary).toContain('The date the price starts must be a real date');
    expect(bad.body).toContain('href="#validFrom-day"');
    expect(bad.body).toContain('value="7.5p"');

    const before = await manager.get('/catalogue/tariffs');
    expect(before.body).not.toContain('£0.75');
    const good = await manager.post('/catalogue/tariffs', form);
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/catalogue/tariffs?added=1');
    const after = await manager.get('/catalogue/tariffs?added=1');
    expect(after.body).toContain('Price added');
    expect(after.body).toMatch(/Brightwater Facilities Ltd[\s\S]*?£0\.75[\s\S]*?1 April 2031/);

    // The same dates again overlap the price just added, said on the form.
    const again = await manager.post('/catalogue/tariffs', form);
    expect(again.statusCode).toBe(400);
    expect(errorSummary(again.body)).toMatch(/overlap/i);
  });

  it('ends a price on a day, never later than planned, and keeps it from other people', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const list = await manager.get('/catalogue/tariffs');
    const end =
      /href="(\/catalogue\/tariffs\/[0-9a-f-]{36}\/end)">End<span class="govuk-visually-hidden"> [^<]*Brightwater Facilities Ltd, 1 April 2031/.exec(
        list.body,
      )?.[1];
    expect(end).toBeDefined();
    const page = await manager.get(end!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('paid by Brightwater Facilities Ltd, from 1 April 2031');

    const before = await manager.post(end!, {
      'validTo-day': '31',
      'validTo-month': '3',
      'validTo-year': '2031',
    });
    expect(before.statusCode).toBe(400);
    expect(errorSummary(before.body)).toContain('The end date must be the same as or after the start date');
    const unreal = await manager.post(end!, {
      'validTo-day': '31',
      'validTo-month': '13',
      'validTo-year': '2031',
    });
    expect(unreal.statusCode).toBe(400);
    expect(unreal.body).toContain('href="#validTo-month"');

    for (const who of ['finance@mercia.example', 'manager@wyvern.example', 'requester@brightwater.example']) {
      const other = await signedInBrowser(t.app, who);
      expect((await other.get(end!)).statusCode, who).toBe(404);
      expect(
        (await other.post(end!, { 'validTo-day': '1', 'validTo-month': '5', 'validTo-year': '2031' }))
          .statusCode,
        who,
      ).toBe(404);
    }

    const ended = await manager.post(end!, {
      'validTo-day': '30',
      'validTo-month': '4',
      'validTo-year': '2031',
    });
    expect(ended.statusCode).toBe(303);
    expect((await manager.get('/catalogue/tariffs?ended=1')).body).toMatch(
      /£0\.75[\s\S]*?1 April 2031[\s\S]*?30 April 2031/,
    );
    expect((await manager.get('/catalogue/tariffs/not-an-id/end')).statusCode).toBeGreaterThanOrEqual(400);
  });
});
