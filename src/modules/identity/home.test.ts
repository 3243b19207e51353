import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../test/helpers/app.js';
import { DEMO_USERS } from '../../demo.js';
import { messages } from '../../platform/web/index.js';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The home page's starting points, in order: [link, heading]. */
function startingPoints(html: string): Array<[string, string]> {
  const list = /<ul class="govuk-list app-starting-points"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a class="govuk-link" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1]!, m[2]!]);
}

const mainOf = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';

describe('the home page, by role', () => {
  it('leads a requester to raising and following requests, and promises nothing that does not exist yet', async () => {
    const browser = await signedInBrowser(t.app, 'requester@wyvern.example');
    const home = await browser.get('/');
    expect(startingPoints(home.body)).toEqual([
      ['/requests/new', 'Raise a request'],
      ['/requests', 'Your requests'],
      ['/catalogue', 'Service catalogue'],
      ['/account/tokens', 'API tokens'],
    ]);
    expect(home.body).toContain('The services Wyvern District Council takes from the shared service centre');
    expect(mainOf(home.body)).not.toMatch(/approv|statement|saving|recharge|queue/i);
  });

  it('leads a service manager to their lines, prices, calendars and SLA policies', async () => {
    const browser = await signedInBrowser(t.app, 'service.manager@mercia.example');
    expect(startingPoints((await browser.get('/')).body).map(([href]) => href)).toEqual([
      '/catalogue',
      '/catalogue/tariffs',
      '/catalogue/calendars',
      '/catalogue/sla-policies',
      '/requests',
      '/recharges',
      '/usage',
      '/account/tokens',
    ]);
  });

  it('leads a platform administrator to users and organisations first', async () => {
    const browser = await signedInBrowser(t.app, 'admin@mercia.example');
    expect(startingPoints((await browser.get('/')).body).map(([href]) => href)).toEqual([
      '/users',
      '/organisations',
      '/catalogue',
      '/requests',
      '/account/tokens',
    ]);
  });

  it("leads a partner manager to approvals and requests, the catalogue and their own organisation's page", async () => {
    const browser = await signedInBrowser(t.app, 'manager@wyvern.example');
    const wdc = await t.db.kysely
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', 'WDC')
      .executeTakeFirstOrThrow();
    expect(startingPoints((await browser.get('/')).body)).toEqual([
      ['/approvals', 'Approvals'],
      ['/requests/new', 'Raise a request'],
      ['/requests', 'Requests from Wyvern District Council'],
      ['/catalogue', 'Service catalogue'],
      ['/catalogue/tariffs', 'Prices'],
      [`/organisations/${wdc.id}`, 'Your organisation'],
      ['/statements', 'Statements'],
      ['/usage', 'Usage'],
      ['/account/tokens', 'API tokens'],
    ]);
  });

  it('links every demo user only to pages that open for them', async () => {
    for (const user of DEMO_USERS) {
      const browser = await signedInBrowser(t.app, user.email);
      const points = startingPoints((await browser.get('/')).body);
      expect(points.length, user.email).toBeGreaterThan(1);
      for (const [href] of points) {
        expect((await browser.get(href)).statusCode, `${user.email} ${href}`).toBe(200);
      }
    }
  });

  it('tells each person what their roles let them do', async () => {
    for (const [email, role] of [
      ['requester@wyvern.example', 'requester'],
      ['manager@wyvern.example', 'partner_manager'],
      ['agent@mercia.example', 'agent'],
      ['finance@mercia.example', 'finance_officer'],
    ] as const) {
      const home = (await (await signedInBrowser(t.app, email)).get('/')).body;
      expect(home, email).toContain(escapeHtml(messages.roleAbilities[role]));
    }
  });
});

describe('switching organisation', () => {
  it('goes home and confirms whom the person now acts for, in a banner that takes focus', async () => {
    const browser = await signedInBrowser(t.app, 'shared.officer@mercia.example');
    const home = await browser.get('/');
    expect(home.body).toMatch(
      /<label class="govuk-label[^"]*" for="switch-org">Switch to another organisation<\/label>/,
    );
    const chs = /<option value="([^"]+)"\s*>Mercia County Council: Children&#39;s Services/.exec(
      home.body,
    )?.[1];
    const switched = await browser.post('/switch-organisation', { orgId: chs! });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/?switched=1');
    const after = await browser.get('/?switched=1');
    const banner =
      /<div class="govuk-notification-banner[^>]*>[\s\S]*?<\/div>\s*<\/div>/.exec(after.body)?.[0] ?? '';
    expect(banner).toContain('role="alert"');
    expect(banner).toMatch(/tabindex="-1"/);
    expect(banner).toMatch(/ autofocus[ >]/);
    expect(banner).toContain('You are now acting for Mercia County Council: Children&#39;s Services');
    // Without the switch, no banner; and the address cannot name an organisation.
    expect((await browser.get('/')).body).not.toContain('govuk-notification-banner');
    expect((await browser.get('/?switched=Wyvern')).body).toContain(
      'You are now acting for Mercia County Council: Children&#39;s Services',
    );
  });
});

describe('tables that scroll inside their own region', () => {
  const region =
    /<div class="app-scrolling-table" role="region" aria-label="([^"]+)" tabindex="0">\s*<table/g;

  it('wraps the tables of users, organisations and tokens', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const labels = async (url: string) => [...(await admin.get(url)).body.matchAll(region)].map((m) => m[1]);
    expect(await labels('/users')).toEqual(['Users']);
    expect(await labels('/organisations')).toEqual(['Organisations']);
    const orgs = (await admin.get('/organisations')).body;
    const mcc = /href="(\/organisations\/[0-9a-f-]{36})">Mercia County Council</.exec(orgs)![1]!;
    expect(await labels(mcc)).toEqual(['People with roles here']);
    const users = (await admin.get('/users')).body;
    const julia = /href="(\/users\/[0-9a-f-]{36})">Julia Bennett</.exec(users)![1]!;
    expect(await labels(julia)).toEqual(['Roles by organisation']);

    await admin.get('/account/tokens');
    const created = await admin.post('/account/tokens', { name: 'Nightly export', expiresInDays: '30' });
    expect([...created.body.matchAll(region)].map((m) => m[1])).toEqual(['API tokens']);
    // The new token's panel takes focus as the page loads.
    expect(created.body).toMatch(
      /<div class="govuk-panel[^"]*" data-qa="token-created" tabindex="-1" autofocus>/,
    );
  });
});
