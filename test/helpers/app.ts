import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_PASSWORD } from '../../src/demo.js';
import { hashSecret, newApiToken } from '../../src/platform/auth/index.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real app, on a test database of its own. */
export async function buildTestApp(
  env: NodeJS.ProcessEnv = {},
  options: BuildOptions = { logger: false },
): Promise<TestApp> {
  const db = await openTestDatabase();
  // Files uploaded in a test go to a folder of its own, removed on close, never into the work tree.
  const files = env.TANDEM_ATTACHMENTS_DIR
    ? undefined
    : await mkdtemp(path.join(os.tmpdir(), 'tandem-files-'));
  const config = loadConfig({ TANDEM_ATTACHMENTS_DIR: files, ...env, TANDEM_DATA_DIR: 'unused' });
  const app = await buildApp(config, db, options);
  await app.ready();
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.destroy();
      if (files) await rm(files, { recursive: true, force: true });
    },
  };
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** A browser, as far as the server can tell: keeps cookies, reads CSRF tokens, posts forms. */
export class Browser {
  cookies: Record<string, string> = {};
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()))
        delete this.cookies[cookie.name];
      else this.cookies[cookie.name] = cookie.value;
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body);
    if (match?.[1]) this.csrf = match[1];
    return response;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, cookies: this.cookies }));
  }

  /** Posts a form as a browser would, with the CSRF token from the last page seen (unless given). */
  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [name, value] of Object.entries(form)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        cookies: this.cookies,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 303) throw new Error(`sign-in as ${email} failed: ${response.statusCode}`);
    await this.get('/');
    return response;
  }
}

export async function signedInBrowser(app: FastifyInstance, email: string): Promise<Browser> {
  const browser = new Browser(app);
  await browser.signIn(email);
  return browser;
}

/** A new API token for a user acting in an organisation (by code), made straight in the database. */
export async function apiTokenFor(
  db: TestDatabase,
  email: string,
  orgCode: string,
  days = 1,
): Promise<string> {
  const user = await db.kysely
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const org = await db.kysely
    .selectFrom('organisations')
    .select('id')
    .where('code', '=', orgCode)
    .executeTakeFirstOrThrow();
  const secret = newApiToken();
  await db.kysely
    .insertInto('api_tokens')
    .values({
      org_id: org.id,
      user_id: user.id,
      name: 'test',
      token_hash: hashSecret(secret),
      expires_at: new Date(Date.now() + days * 86_400_000),
    })
    .execute();
  return secret;
}

/** A JSON API call with a bearer token, as an integration would make it. A string body is sent as it is. */
export function apiCall(
  app: FastifyInstance,
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}
