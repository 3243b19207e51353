import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { loadConfig } from '../../src/config.js';
import { startTandem, type Running } from '../../src/start.js';
import { DEMO_PASSWORD } from '../../src/demo.js';

export const RESULTS_DIR = path.resolve('test-results', 'e2e');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Harness {
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Tandem on a new embedded database with the demo data, and Debian's Chromium to drive it. */
export async function startHarness(): Promise<Harness> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TANDEM_DATA_DIR: path.join(dataDir, 'db'),
    DATABASE_URL: '',
  });
  const running: Running = await startTandem(config, { log: () => {} });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  return {
    baseUrl: running.address,
    browser,
    async close() {
      await browser.close();
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The GOV.UK sign-in page, as a person uses it. */
export class SignInPage {
  constructor(
    private readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/sign-in`);
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<void> {
    await this.open();
    await this.page.getByLabel('Email address').fill(email);
    await this.page.locator('#password').fill(password);
    await this.page.locator('[data-qa="sign-in"]').click();
    await this.page.waitForLoadState('load');
  }
}

export async function signedInContext(
  harness: Harness,
  email: string,
  options: { javaScriptEnabled?: boolean } = {},
) {
  const context: BrowserContext = await harness.browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const page = await context.newPage();
  await new SignInPage(page, harness.baseUrl).signIn(email);
  return { context, page };
}

export interface AxeResult {
  url: string;
  violations: Array<{ id: string; impact: string | null | undefined; help: string; nodes: number }>;
}

/** Runs axe with the WCAG 2.2 A and AA rules on the page as it is now, and keeps a screenshot. */
export async function checkAccessibility(page: Page, name: string): Promise<AxeResult> {
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    .analyze();
  return {
    url: page.url(),
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    })),
  };
}
