/**
 * A request's life in Chromium, as its people live it: a Wyvern requester raises a laptop request
 * (which needs approval), their manager approves it, an agent works and resolves it, and the
 * requester confirms it. Every page on the way is checked by axe, and at 320 CSS pixels for
 * sideways scrolling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signedInContext, startHarness, walkChecks, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness?.close());

/** Someone signed in, on a 320 px screen. */
const person = (email: string) => signedInContext(harness, email, { narrow: true });

const checked = walkChecks('requests');

/** Opens a folded form on a request's page (a GOV.UK details), fills it and sends it. */
async function openSection(page: Page, qa: string): Promise<void> {
  await page.locator(`[data-qa="${qa}-section"] summary`).click();
}

describe('a request, raised, approved, worked, resolved and confirmed in Chromium', () => {
  it('passes axe and fits 320 px at every step', { timeout: 300_000 }, async () => {
    // The requester raises a laptop request.
    const requester = await person('requester@wyvern.example');
    let page = requester.page;
    await page.goto(`${harness.baseUrl}/`);
    await checked(page, 'requester-home');
    await page.getByRole('link', { name: 'Raise a request' }).first().click();
    await checked(page, 'choose');
    await page.getByRole('link', { name: 'Laptop request' }).click();
    await checked(page, 'form');
    await page.locator('[data-qa="submit"]').click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    const summary = await page.locator('.govuk-error-summary__list').innerText();
    expect(summary).toContain('Enter a subject');
    expect(summary).toContain('Answer “For whom”');
    await checked(page, 'form-errors');
    await page.locator('#subject').fill('Laptop for our new planning officer');
    await page.locator('#answer-for_whom').fill('Priya Patel');
    await page.getByLabel('New post').check();
    await page.locator('[data-qa="submit"]').click();
    await page.waitForURL(/\/raised$/);
    expect(await page.evaluate<string | null>(`document.activeElement?.getAttribute('data-qa')`)).toBe(
      'panel',
    );
    const reference = (await page.locator('[data-qa="reference"]').innerText()).trim();
    expect(reference).toMatch(/^WDC-\d{6}$/);
    await checked(page, 'raised');
    await page.locator('[data-qa="view-request"]').click();
    await checked(page, 'requester-request');
    await page.goto(`${harness.baseUrl}/requests`);
    await checked(page, 'requester-list');

    // Their manager approves it.
    const manager = await person('manager@wyvern.example');
    page = manager.page;
    await page.goto(`${harness.baseUrl}/approvals`);
    await checked(page, 'approvals');
    await page.getByRole('link', { name: 'Laptop for our new planning officer' }).click();
    await checked(page, 'manager-request');
    await page.locator('[data-qa="approve"]').click();
    await expect.poll(() => page.locator('[data-qa="notice"]').isVisible()).toBe(true);
    await checked(page, 'approved');

    // An agent finds it in the queue and works it.
    const agent = await person('agent@mercia.example');
    page = agent.page;
    await page.goto(`${harness.baseUrl}/queue`);
    await checked(page, 'queue');
    await page.locator('#filter-q').fill(reference);
    await page.locator('[data-qa="apply-filters"]').click();
    await page.waitForURL(/q=WDC/);
    await checked(page, 'queue-filtered');
    await page.getByRole('link', { name: 'Laptop for our new planning officer' }).click();
    await checked(page, 'agent-request');
    await page.locator('[data-qa="pick-up"]').click();
    await page.waitForURL(/done=pick-up/);
    await checked(page, 'picked-up');

    await openSection(page, 'reply');
    await page.locator('#reply-body').fill('Which model would suit them?');
    await page.locator('[data-qa="reply"]').click();
    await page.waitForURL(/done=reply/);
    await openSection(page, 'note');
    await page.locator('#note-body').fill('Light model stock is low');
    await page.locator('[data-qa="note"]').click();
    await page.waitForURL(/done=note/);
    await openSection(page, 'pause');
    await page.locator('[data-qa="pause"]').click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    await checked(page, 'pause-errors');
    await page.getByLabel('A third party').check();
    await page.locator('#pause-reason').fill('Waiting for the supplier');
    await page.locator('[data-qa="pause"]').click();
    await page.waitForURL(/done=pause/);
    await checked(page, 'paused');
    await page.locator('[data-qa="resume"]').click();
    await page.waitForURL(/done=resume/);
    await openSection(page, 'record-time');
    await page.locator('#record-time-minutes').fill('30');
    await page.locator('#record-time-activity').fill('Building the laptop');
    await page.locator('[data-qa="record-time"]').click();
    await page.waitForURL(/done=record-time/);
    await openSection(page, 'resolve');
    await page.locator('#resolve-note').fill('Built and left at reception.');
    await page.locator('[data-qa="resolve"]').click();
    await page.waitForURL(/done=resolve/);
    await checked(page, 'resolved');

    // The requester confirms it is done; nothing of the service centre's side shows.
    page = requester.page;
    await page.goto(`${harness.baseUrl}/requests/${reference}`);
    await checked(page, 'requester-resolved');
    const text = await page.locator('main').innerText();
    expect(text).toContain('Built and left at reception.');
    expect(text).not.toContain('Light model stock is low');
    expect(text).not.toContain('Building the laptop');
    expect(text).not.toContain('Bethan Price');
    await page.locator('[data-qa="confirm"]').click();
    await page.waitForURL(/done=confirm/);
    await checked(page, 'confirmed');
    expect(await page.locator('main').innerText()).toContain('Closed');

    for (const { context } of [requester, manager, agent]) await context.close();
  });
});
