import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkAccessibility, signedInContext, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness?.close());

async function walk(page: Page, who: string, urls: string[]) {
  for (const url of urls) {
    const response = await page.goto(harness.baseUrl + url);
    expect(response?.status(), url).toBe(200);
    const name = `${who}-${url.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-')}`;
    expect((await checkAccessibility(page, name)).violations, url).toEqual([]);
  }
}

describe('the catalogue, in Chromium', () => {
  it('shows a partner its own variant of the catalogue, and every page passes axe', async () => {
    const { context, page } = await signedInContext(harness, 'requester@wyvern.example');
    await walk(page, 'wyvern', [
      '/catalogue',
      '/catalogue/offerings/IT-NEW-STARTER',
      '/catalogue/calendars',
      '/catalogue/calendars/WDC-OFFICE',
      '/catalogue/calendars/MCC-OFFICE?from-day=27&from-month=3&from-year=2026&from-hour=16&from-minute=00&minutes=60',
      '/catalogue/sla-policies',
      '/catalogue/sla-policies/IT-WDC',
    ]);
    // The service managers' view of every partner's differences is not for partners.
    const divergence = await page.goto(`${harness.baseUrl}/catalogue/divergence`);
    expect([403, 404]).toContain(divergence?.status());
    expect(await page.locator('body').textContent()).not.toContain('Mercia Fire and Rescue Service');
    await context.close();
  });

  it("walks the service manager's pages, and their error states, with no axe violations", async () => {
    const { context, page } = await signedInContext(harness, 'service.manager@mercia.example');
    await walk(page, 'service-manager', [
      '/catalogue',
      '/catalogue/offerings/IT-FAULT',
      '/catalogue/offerings/new',
      '/catalogue/offerings/IT-FAULT/edit',
      '/catalogue/offerings/IT-NEW-STARTER/variants/WDC',
      '/catalogue/divergence',
      '/catalogue/tariffs',
      '/catalogue/calendars/new',
      '/catalogue/calendars/MCC-OFFICE/edit',
      '/catalogue/sla-policies/new',
      '/catalogue/sla-policies/IT-STANDARD',
      '/catalogue/sla-policies/IT-STANDARD/edit',
      '/catalogue/service-lines/new',
      '/catalogue/service-lines/PRINT',
    ]);

    await page.goto(`${harness.baseUrl}/catalogue/offerings/new`);
    await page.locator('#code').fill('bad code!');
    await page
      .locator('form[method="post"] button[type="submit"], form[method="post"] .govuk-button')
      .last()
      .click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect((await checkAccessibility(page, 'service-manager-offering-new-error')).violations).toEqual([]);

    await page.goto(`${harness.baseUrl}/catalogue/tariffs`);
    await page
      .locator('textarea')
      .first()
      .fill('offering,organisation,unit_price,valid_from,valid_to\nIT-FAULT,,-5.00,2027-01-01,\n');
    await page.locator('textarea').first().locator('xpath=ancestor::form').locator('button').click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/line 2/i);
    expect((await checkAccessibility(page, 'service-manager-tariffs-import-error')).violations).toEqual([]);
    await context.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`builds a request form's questions from the keyboard, ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      const { context, page } = await signedInContext(harness, 'service.manager@mercia.example', {
        javaScriptEnabled,
      });
      const code = javaScriptEnabled ? 'PRP-PLAQUES' : 'PRP-PLAQUES-NOJS';
      const focused = () => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
      await page.goto(`${harness.baseUrl}/catalogue/offerings/new`);
      await page.locator('#serviceLine').selectOption('PROP');
      await page.locator('#code').fill(code);
      await page.locator('#name').fill('Door plaques');
      await page.locator('#slaPolicy').selectOption('PROP-STANDARD');

      await page.getByRole('button', { name: 'Add a question' }).click();
      await expect.poll(focused).toBe('formFields-0-label');
      await page.keyboard.type('Wording');
      await page.locator('#formFields-0-type').selectOption('long_text');
      await page.getByRole('button', { name: 'Add another question' }).click();
      await expect.poll(focused).toBe('formFields-1-label');
      await page.keyboard.type('Room');
      await page.locator('#formFields-1-type').selectOption('text');
      await page.locator('input[name="formFields-1-required"][value="yes"]').check();
      await page.getByRole('button', { name: 'Move up question 2' }).click();
      await expect.poll(focused).toBe('formFields-0-label');
      expect(await page.locator('#formFields-0-label').inputValue()).toBe('Room');
      // axe needs JavaScript in the page; the page is the same HTML either way.
      if (javaScriptEnabled)
        expect((await checkAccessibility(page, 'service-manager-question-builder')).violations).toEqual([]);

      // Enter in a field saves the form, as on any other form, not a builder button.
      await page.locator('#name').press('Enter');
      await page.waitForURL(`**/catalogue/offerings/${code}?added=1`);
      const questions = page.locator('[data-qa="questions"] tbody tr');
      expect(await questions.count()).toBe(2);
      expect(await questions.nth(0).textContent()).toContain('Room');
      expect(await questions.nth(1).textContent()).toContain('Wording');
      await context.close();
    });
  }

  it("walks a platform administrator's agreement pages, and their error state, with no axe violations", async () => {
    const { context, page } = await signedInContext(harness, 'admin@mercia.example');
    await page.goto(`${harness.baseUrl}/organisations`);
    const org = await page.getByRole('link', { name: 'Mercia Fire and Rescue Service' }).getAttribute('href');
    expect(org).toMatch(/^\/organisations\/[0-9a-f-]{36}$/);
    await page.goto(`${harness.baseUrl}${org}/service-lines`);
    const end = await page.locator('a[href$="/end"]').first().getAttribute('href');
    expect(end).not.toBeNull();
    await walk(page, 'administrator', [org!, `${org}/service-lines`, end!, '/catalogue/service-lines/PRINT']);

    await page.goto(`${harness.baseUrl}${org}/service-lines`);
    await page.locator('#validFrom-day').fill('30');
    await page.locator('#validFrom-month').fill('2');
    await page.locator('#validFrom-year').fill('2026');
    await page.locator('form[method="post"] .govuk-button').last().click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect((await checkAccessibility(page, 'administrator-agreements-error')).violations).toEqual([]);

    await page.goto(harness.baseUrl + end!);
    await page.locator('#validTo-day').fill('1');
    await page.locator('#validTo-month').fill('1');
    await page.locator('#validTo-year').fill('1999');
    await page.locator('form[method="post"] .govuk-button').last().click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect((await checkAccessibility(page, 'administrator-agreement-end-error')).violations).toEqual([]);
    await context.close();
  });
});
