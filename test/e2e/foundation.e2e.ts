import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  RESULTS_DIR,
  SignInPage,
  signedInContext,
  startHarness,
  type Harness,
} from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness?.close());

describe('a new user, in Chromium', () => {
  it('signs in, sees a GOV.UK page with their organisation, and every page passes axe', async () => {
    const context = await harness.browser.newContext();
    const page = await context.newPage();
    const signIn = new SignInPage(page, harness.baseUrl);
    await signIn.open();
    expect(await page.title()).toBe('Sign in to Tandem – Tandem');
    expect((await checkAccessibility(page, 'sign-in')).violations).toEqual([]);

    await page.getByLabel('Email address').fill('admin@mercia.example');
    await page.locator('#password').fill('wrong password');
    await page.locator('[data-qa="sign-in"]').click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect((await checkAccessibility(page, 'sign-in-error')).violations).toEqual([]);

    await signIn.signIn('admin@mercia.example');
    expect(await page.locator('[data-qa="current-organisation"]').textContent()).toBe(
      'Mercia County Council',
    );
    expect((await checkAccessibility(page, 'admin-home')).violations).toEqual([]);

    const pages: Array<[string, string]> = [
      ['/organisations', 'organisations'],
      ['/organisations/new', 'organisation-new'],
      ['/users', 'users'],
      ['/users/new', 'user-new'],
      ['/account/tokens', 'tokens'],
      ['/accessibility', 'accessibility'],
      ['/no-such-page', 'not-found'],
    ];
    for (const [url, name] of pages) {
      await page.goto(harness.baseUrl + url);
      expect(await page.locator('[data-qa="current-organisation"]').textContent(), url).toBe(
        'Mercia County Council',
      );
      const result = await checkAccessibility(page, `admin-${name}`);
      expect(result.violations, url).toEqual([]);
    }

    // Pages reached by following links, and forms in their error state.
    await page.goto(`${harness.baseUrl}/organisations`);
    await page.getByRole('link', { name: 'Wyvern District Council' }).click();
    expect((await checkAccessibility(page, 'admin-organisation')).violations).toEqual([]);
    await page.getByRole('link', { name: 'Change organisation' }).click();
    expect((await checkAccessibility(page, 'admin-organisation-edit')).violations).toEqual([]);
    await page.locator('#name').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.govuk-error-summary').isVisible()).toBe(true);
    expect((await checkAccessibility(page, 'admin-organisation-edit-error')).violations).toEqual([]);

    await page.goto(`${harness.baseUrl}/users/new`);
    await page.getByRole('button', { name: 'Add a user' }).click();
    expect((await checkAccessibility(page, 'admin-user-new-error')).violations).toEqual([]);
    await page.goto(`${harness.baseUrl}/users`);
    await page.getByRole('link', { name: 'Julia Bennett' }).click();
    expect((await checkAccessibility(page, 'admin-user')).violations).toEqual([]);

    await page.goto(`${harness.baseUrl}/account/tokens`);
    await page.getByLabel('Token name').fill('Nightly export');
    await page.getByRole('button', { name: 'Create a token' }).click();
    expect(await page.locator('[data-qa="token-secret"]').textContent()).toMatch(/^tdm_/);
    expect((await checkAccessibility(page, 'admin-token-created')).violations).toEqual([]);
    await context.close();
  });

  it("keeps two partners apart: one never sees the other's organisation", async () => {
    const fire = await signedInContext(harness, 'manager@merciafire.example');
    await fire.page.goto(`${harness.baseUrl}/organisations`);
    const fireUrl = await fire.page
      .getByRole('link', { name: 'Mercia Fire and Rescue Service' })
      .getAttribute('href');
    expect((await checkAccessibility(fire.page, 'fire-organisations')).violations).toEqual([]);

    const wyvern = await signedInContext(harness, 'requester@wyvern.example');
    expect(await wyvern.page.locator('[data-qa="current-organisation"]').textContent()).toBe(
      'Wyvern District Council',
    );
    expect((await checkAccessibility(wyvern.page, 'wyvern-home')).violations).toEqual([]);
    await wyvern.page.goto(`${harness.baseUrl}/organisations`);
    expect(await wyvern.page.locator('main').textContent()).not.toContain('Mercia Fire');
    const response = await wyvern.page.goto(harness.baseUrl + fireUrl!);
    expect(response?.status()).toBe(404);
    expect(await wyvern.page.locator('h1').textContent()).toBe('Page not found');
    expect(await wyvern.page.locator('body').textContent()).not.toContain('Mercia Fire and Rescue Service');
    await fire.context.close();
    await wyvern.context.close();
  });

  it('works without JavaScript: sign in, switch organisation, sign out', async () => {
    const { context, page } = await signedInContext(harness, 'shared.officer@mercia.example', {
      javaScriptEnabled: false,
    });
    expect(await page.locator('[data-qa="current-organisation"]').textContent()).toBe(
      'Mercia County Council',
    );
    await page.locator('#switch-org').selectOption({ label: "Mercia County Council: Children's Services" });
    await page.getByRole('button', { name: 'Switch organisation' }).click();
    expect(await page.locator('[data-qa="current-organisation"]').textContent()).toBe(
      "Mercia County Council: Children's Services",
    );
    // axe cannot run where scripts are off; the same page is checked with scripts on above.
    await page.screenshot({ path: `${RESULTS_DIR}/no-js-switched.png`, fullPage: true });
    await page.locator('[data-qa="sign-out"]').click();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto(`${harness.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});
