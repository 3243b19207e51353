import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';
import { PEOPLE } from '../../planning/planning.test-helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

/** The addresses of the links in a page that start with `prefix`, once each, in order. */
function links(body: string, prefix: string): string[] {
  const found = [...body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  return found.filter((href, i) => href.startsWith(prefix) && found.indexOf(href) === i);
}

/** A statement number in the page's own words: "Statement MCC-S-000003". */
const NUMBER = /\/statements\/([A-Z]+-S-\d+)"/;

describe('recharge runs, on pages', () => {
  it('shows the finance officer the Teckal indicator and the runs, and starts a run naming a bad period', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const page = await finance.get('/recharges');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="teckal-share"');
    expect(page.body).toMatch(/Work for others: \d+\.\d\d% of turnover/);
    expect(page.body).toContain('September 2026');
    // The demo's issued September run is a row of the runs' table, linked to its page.
    const september = page.body.split('data-qa="run-row"').find((row) => row.includes('>September 2026</a>'));
    expect(september).toMatch(/href="\/recharges\/[0-9a-f-]{36}"/);
    expect(september).toContain('Issued');
    expect(page.body).toContain('data-qa="start-run"');

    const bad = await finance.post('/recharges', { period: '2026-13', kind: 'charge', organisations: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(
      '<a href="#period">Enter the period as a month (2026-10), a quarter (2026-Q3) or a financial year (2026-27)</a>',
    );
    expect(bad.body).toContain('value="2026-13"');
    const trueUp = await finance.post('/recharges', {
      period: '2026-10',
      kind: 'true_up',
      organisations: '',
    });
    expect(trueUp.statusCode).toBe(400);
    expect(trueUp.body).toContain('A true-up is for a financial year');
    const stranger = await finance.post('/recharges', {
      period: '2026-08',
      kind: 'charge',
      organisations: 'NOPE',
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('<a href="#organisations">Enter the codes of organisations you serve');
    expect(stranger.body).toContain('NOPE');
    const after = await finance.get('/recharges');
    expect(
      links(after.body, '/recharges/').filter((h) => /^\/recharges\/[0-9a-f-]{36}$/.test(h)),
    ).toHaveLength(2);
  });

  it('takes a run from draft to issued: review, issue, numbered statements that lead to their lines', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    await finance.get('/recharges');
    const started = await finance.post('/recharges', {
      period: '2026-08',
      kind: 'charge',
      organisations: 'WDC, MFRS',
    });
    expect(started.statusCode).toBe(303);
    const runHref = started.headers.location!.split('?')[0]!;
    let run = await finance.get(started.headers.location!);
    expect(run.statusCode).toBe(200);
    expect(run.body).toContain('The run for August 2026 is started');
    expect(run.body).toContain('Draft');

    // Issuing before review is refused, and said so on the page.
    const early = await finance.post(`${runHref}/issue`, {});
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('<a href="#actions">Only a reviewed run can be issued');

    expect((await finance.post(`${runHref}/review`, {})).statusCode).toBe(303);
    run = await finance.get(runHref);
    expect(run.body).toContain('data-qa="issue"');
    const issued = await finance.post(`${runHref}/issue`, {});
    expect(issued.statusCode).toBe(303);
    run = await finance.get(issued.headers.location!);
    expect(run.body).toContain('The statements are issued.');
    expect(run.body).not.toContain('data-qa="compute"');
    // Issuing again is refused on the page, its summary leading to what can be done.
    const again = await finance.post(`${runHref}/issue`, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<a href="#actions">');
    expect(again.body).toContain('id="actions"');
    expect((await finance.get(`${runHref}?done=constructor`)).body).not.toContain('data-qa="notice"');
    // Charged: the fixed contribution WDC pays for Property, in its own statement.
    const wdc = run.body
      .split('data-qa="statement-row"')
      .slice(1)
      .find((row) => row.includes('Wyvern District Council'));
    expect(wdc).toMatch(NUMBER);
    const statement = await finance.get(`/statements/${NUMBER.exec(wdc!)![1]}`);
    expect(statement.statusCode).toBe(200);
    expect(statement.body).toContain('1 August 2026 to 31 August 2026');
    expect(statement.body).toContain('£2,000.00');

    const csv = await finance.get(`${runHref}/lines.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('WDC');
    expect(csv.body).not.toContain('SVCT');
  });

  it('lets an executive read runs but not start or change one', async () => {
    const executive = await signedInBrowser(t.app, PEOPLE.executive);
    const page = await executive.get('/recharges');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="teckal-share"');
    expect(page.body).not.toContain('data-qa="start-run"');
    expect((await executive.post('/recharges', { period: '2026-07', kind: 'charge' })).statusCode).toBe(403);
    const runHref = links(page.body, '/recharges/').find((h) => /^\/recharges\/[0-9a-f-]{36}$/.test(h))!;
    const run = await executive.get(runHref);
    expect(run.statusCode).toBe(200);
    expect(run.body).not.toContain('data-qa="review"');
    expect((await executive.post(`${runHref}/compute`, {})).statusCode).toBe(403);
  });
});

describe('statements, on pages, for a partner', () => {
  it('lists only its own issued statements, and drills from a total to the usage behind a line', async () => {
    const manager = await signedInBrowser(t.app, PEOPLE.wdcManager);
    const list = await manager.get('/statements');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Statements for Wyvern District Council');
    const mine = links(list.body, '/statements/');
    expect(mine.length).toBeGreaterThan(0);
    for (const href of mine) {
      const statement = await manager.get(href);
      expect(statement.statusCode).toBe(200);
      expect(statement.body).toContain('Statement for Wyvern District Council');
    }
    const statement = await manager.get(mine.at(-1)!);
    const lineHrefs = links(statement.body, `${mine.at(-1)}/lines/`);
    expect(lineHrefs.length).toBeGreaterThan(0);
    const pages = await Promise.all(lineHrefs.map((href) => manager.get(href)));
    expect(pages.every((p) => p.statusCode === 200)).toBe(true);
    // A usage line lists its events and their totals; a share of a pool explains itself.
    expect(pages.some((p) => p.body.includes('data-qa="line-events"'))).toBe(true);
    const share = pages.find((p) => p.body.includes('shared by headcount'))?.body ?? '';
    expect(share).toMatch(/value is \d{1,3}(,\d{3})*(\.\d+)? of \d{1,3}(,\d{3})*(\.\d+)? in all/);
    expect(share).not.toMatch(/value is \d{5,}/);
    const pdf = await manager.get(`${mine.at(-1)}/statement.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('never shows another partner’s statement, a draft, or the host’s runs', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const all = await finance.get('/statements');
    const rows = all.body.split('data-qa="statement-row"').slice(1);
    const mfrs = rows.find((row) => row.includes('Mercia Fire and Rescue Service'));
    const mfrsNumber = NUMBER.exec(mfrs!)![1]!;
    const runs = await finance.get('/recharges');
    const runHref = links(runs.body, '/recharges/').find((h) => /^\/recharges\/[0-9a-f-]{36}$/.test(h))!;

    const manager = await signedInBrowser(t.app, PEOPLE.wdcManager);
    const list = await manager.get('/statements');
    expect(list.body).not.toContain(mfrsNumber);
    expect(list.body).not.toContain('Mercia Fire and Rescue Service');
    for (const href of [
      `/statements/${mfrsNumber}`,
      `/statements/${mfrsNumber}/lines/1`,
      `/statements/${mfrsNumber}/statement.pdf`,
      `/statements/${mfrsNumber}/lines.csv`,
      `${runHref}/statements/WDC`,
      `${runHref}/statements/MFRS/lines/1`,
    ])
      expect([403, 404], href).toContain((await manager.get(href)).statusCode);
    expect((await manager.get('/recharges')).statusCode).toBe(403);
    expect((await manager.get(runHref)).statusCode).toBe(403);
    expect((await manager.get(`${runHref}/journal.csv`)).statusCode).toBe(403);

    const requester = await signedInBrowser(t.app, PEOPLE.wdcRequester);
    expect((await requester.get('/statements')).statusCode).toBe(403);
  });
});

describe('charges in the navigation and on the home page', () => {
  /** The service navigation's and the home page's links to charges' pages, for one person. */
  async function linksOf(email: string) {
    const home = await (await signedInBrowser(t.app, email)).get('/');
    const end = home.body.indexOf('</header>');
    const ours = (html: string) =>
      [...html.matchAll(/href="(\/(?:usage|recharges|statements)[^"]*)"/g)].map((m) => m[1]);
    return { nav: ours(home.body.slice(0, end)), home: ours(home.body.slice(end)) };
  }

  it('leads the host’s readers to recharges and usage, a partner’s manager to its statements, and others nowhere', async () => {
    expect(await linksOf(PEOPLE.finance)).toEqual({
      nav: ['/usage', '/recharges'],
      home: ['/recharges', '/usage'],
    });
    for (const who of [PEOPLE.executive, PEOPLE.serviceManager])
      expect(await linksOf(who)).toEqual({ nav: ['/usage', '/recharges'], home: ['/recharges', '/usage'] });
    expect(await linksOf(PEOPLE.wdcManager)).toEqual({
      nav: ['/usage', '/statements'],
      home: ['/statements', '/usage'],
    });
    expect(await linksOf(PEOPLE.wdcRequester)).toEqual({ nav: [], home: [] });
    expect(await linksOf(PEOPLE.agent)).toEqual({ nav: [], home: [] });
  });
});
