import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
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

/**
 * Tandem as people run it — the `tandem serve` command, on a new embedded database with the demo
 * data — and Debian's Chromium to drive it.
 */
export async function startHarness(): Promise<Harness> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
  const server = spawn(process.execPath, ['bin/tandem.js', 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TANDEM_DATA_DIR: path.join(dataDir, 'db'),
      DATABASE_URL: '',
    },
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  let output = '';
  /** Stops the server (gracefully: it closes the database) and removes its folder; its exit code. */
  const stop = async (): Promise<number | null> => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    const code = await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  let browser: Browser | undefined;
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const failed = (why: string) => reject(new Error(`tandem serve ${why}:\n${output}`));
      const timer = setTimeout(() => failed('did not start within 60 s'), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        // The whole address: the line goes on after it.
        const address = /Tandem is running at (http:\/\/\S+)\s/.exec(output)?.[1];
        if (address) {
          clearTimeout(timer);
          resolve(address);
        }
      };
      server.stdout.on('data', read);
      server.stderr.on('data', read);
      void exited.then((code) => {
        clearTimeout(timer);
        failed(`exited with code ${code}`);
      });
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const launched = browser;
    return {
      baseUrl,
      browser: launched,
      async close() {
        // The server is stopped even if the browser fails to close.
        const [closing] = await Promise.allSettled([launched.close()]);
        const code = await stop();
        if (closing.status === 'rejected')
          throw new Error('Chromium did not close', { cause: closing.reason });
        if (code !== 0) throw new Error(`tandem serve exited with code ${code} on SIGTERM:\n${output}`);
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await stop();
    throw error;
  }
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

/** A 320 CSS pixel screen: the narrowest that WCAG's reflow asks a page to fit. */
export const NARROW = { viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 };

/** Someone signed in, in a context of their own (on a 320 px screen if `narrow`). */
export async function signedInContext(
  harness: Harness,
  email: string,
  options: { javaScriptEnabled?: boolean; narrow?: boolean } = {},
) {
  const context: BrowserContext = await harness.browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.narrow ? NARROW : {}),
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

/**
 * The steps of a walk, each checked as it stands: axe finds nothing, and the page does not scroll
 * sideways. Screenshots are named by the walk, in order.
 */
export function walkChecks(walk: string): (page: Page, name: string) => Promise<void> {
  let step = 0;
  return async (page, name) => {
    step++;
    const result = await checkAccessibility(page, `${walk}-${String(step).padStart(2, '0')}-${name}`);
    expect(result.violations, `${name}: ${page.url()}`).toEqual([]);
    const fits = await page.evaluate<boolean>(
      'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
    );
    expect(fits, `${name} scrolls sideways: ${page.url()}`).toBe(true);
  };
}
