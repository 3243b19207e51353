/**
 * A month's charges in Chromium, from usage to a partner's drill-down: the finance officer records
 * usage for a request (through the API, with a token made on the tokens page), finds it on the
 * usage page, computes October's draft run again, reviews and issues it; Wyvern's manager then
 * opens the statement, follows its IT line to the usage behind it and on to the request. Every
 * page on the way is checked by axe, and at 320 CSS pixels for sideways scrolling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInContext, startHarness, walkChecks, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness?.close());

/** Someone signed in, on a 320 px screen. */
const person = (email: string) => signedInContext(harness, email, { narrow: true });

const checked = walkChecks('recharging');

describe('recharging in Chromium: usage, a run issued, and a partner drilling down', () => {
  it('passes axe and fits 320 px at every step', { timeout: 300_000 }, async () => {
    const finance = await person('finance@mercia.example');
    let page = finance.page;

    // A token, made on its page, records one event for one of Wyvern's requests.
    await page.goto(`${harness.baseUrl}/account/tokens`);
    await page.getByLabel('Token name').fill('Usage feed');
    await page.getByRole('button', { name: 'Create a token' }).click();
    const token = (await page.locator('[data-qa="token-secret"]').innerText()).trim();
    const recorded = await fetch(`${harness.baseUrl}/api/v1/usage-events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            key: 'walk-1',
            organisation: 'WDC',
            offering: 'IT-FAULT',
            quantity: '1',
            occurredAt: '2026-10-20T10:00:00Z',
            note: 'Fault on the walk',
            requestReference: 'WDC-000003',
          },
        ],
      }),
    });
    expect(recorded.status, await recorded.text()).toBeLessThan(300);

    // The usage page, filtered to Wyvern on that day.
    const day = 'from-day=20&from-month=10&from-year=2026&to-day=20&to-month=10&to-year=2026';
    await page.goto(`${harness.baseUrl}/usage?organisation=WDC&${day}`);
    await checked(page, 'usage');
    await expect.poll(() => page.getByText('Fault on the walk').count()).toBeGreaterThan(0);

    // At 320 px the navigation folds behind its menu button: go by address.
    await page.goto(`${harness.baseUrl}/recharges`);
    await checked(page, 'runs');
    await page.getByRole('link', { name: 'October 2026' }).click();
    await checked(page, 'run-draft');
    await page.locator('[data-qa="compute"]').click();
    await expect.poll(() => page.locator('[data-qa="notice"]').innerText()).toContain('computed again');
    await checked(page, 'run-computed');
    await page.locator('[data-qa="review"]').click();
    await checked(page, 'run-reviewed');
    await page.locator('[data-qa="issue"]').click();
    await expect.poll(() => page.locator('[data-qa="notice"]').innerText()).toContain('issued');
    await checked(page, 'run-issued');
    await page.getByRole('link', { name: 'Wyvern District Council' }).click();
    await checked(page, 'statement-host');
    const number = (await page.locator('h1 .app-code').innerText()).trim();
    await finance.context.close();

    const manager = await person('manager@wyvern.example');
    page = manager.page;
    await page.goto(`${harness.baseUrl}/statements`);
    await checked(page, 'statements');
    await page.getByRole('link', { name: number }).click();
    await checked(page, 'statement');
    const line = page.locator('[data-qa="statement-line"]', { hasText: 'Report an IT fault' });
    await line.getByRole('link', { name: /Details/ }).click();
    await checked(page, 'line');
    await expect.poll(() => page.locator('[data-qa="line-totals"]').innerText()).toMatch(/\d+ events/);
    await page.getByRole('link', { name: 'WDC-000003' }).click();
    await checked(page, 'request');
    expect(await page.locator('h1').innerText()).not.toBe('');
    expect(page.url()).toContain('/requests/WDC-000003');
    await manager.context.close();
  });
});
