import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { londonDate } from '../../../kernel/dates.js';

/** The partnership's pages as people use them: forms re-render with a summary naming the field. */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
});
afterAll(() => t.close());

function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

/** A message key shown where its words should be ("pipeline.count"). */
const UNTRANSLATED = /\b(pipeline|terms)\.[a-z][A-Za-z.]*\b/;

function typed(name: string, date: string): Record<string, string> {
  const [year = '', month = '', day = ''] = date ? date.split('-') : [];
  return { [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year };
}

describe('the pipeline on pages', () => {
  it('adds a body, refuses a skipped step with the field named, then moves it a step', async () => {
    const executive = await signedInBrowser(t.app, 'executive@mercia.example');
    const home = await executive.get('/');
    expect(home.body).toContain('href="/partnership/pipeline"');
    await executive.get('/partnership/pipeline/new');
    const empty = await executive.post('/partnership/pipeline', {
      name: '',
      kind: '',
      ...typed('nextStepDue', ''),
    });
    expect(empty.statusCode).toBe(400);
    expect(errorSummary(empty.body)).toContain('Enter the body’s name');
    expect(errorSummary(empty.body)).toContain('Select what kind of body it is');
    expect(empty.body).toContain('href="#name"');

    const added = await executive.post('/partnership/pipeline', {
      name: 'Severn Valley Police',
      kind: 'police',
      owner: 'executive@mercia.example',
      nextStep: 'Introductory meeting',
      ...typed('nextStepDue', '2027-02-01'),
      notes: '',
    });
    expect(added.statusCode, added.body).toBe(303);
    const page = await executive.get(added.headers.location as string);
    expect(page.body).toContain('Added to the pipeline');
    expect(page.body).toContain('Introductory meeting');

    const action = `${(added.headers.location as string).split('?')[0]}/move`;
    const skipped = await executive.post(action, {
      stage: 'negotiating',
      ...typed('movedOn', londonDate()),
      note: '',
    });
    expect(skipped.statusCode).toBe(400);
    expect(errorSummary(skipped.body)).toContain('skips a required step');

    const moved = await executive.post(action, {
      stage: 'interested',
      ...typed('movedOn', londonDate()),
      note: 'Asked for figures',
    });
    expect(moved.statusCode).toBe(303);
    const after = await executive.get(moved.headers.location as string);
    expect(after.body).toContain('Moved to Interested');
    expect(after.body).toContain('Asked for figures');

    const board = await executive.get('/partnership/pipeline');
    expect(board.body).toContain('data-qa="board"');
    expect(board.body).not.toMatch(UNTRANSLATED);
    expect(after.body).not.toMatch(UNTRANSLATED);
    expect(board.body).toContain('Severn Valley Police');
    const table = await executive.get('/partnership/pipeline?view=table');
    expect(table.body).toContain('data-qa="pipeline-table"');
  });

  it('is refused to partners and shown read-only to finance officers', async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
    expect((await manager.get('/partnership/pipeline')).statusCode).toBe(403);
    expect((await manager.get('/')).body).not.toContain('/partnership/pipeline');
    const finance = await signedInBrowser(t.app, 'finance@mercia.example');
    const list = await finance.get('/partnership/pipeline');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('/partnership/pipeline/new');
    expect((await finance.get('/partnership/pipeline/new')).statusCode).toBe(403);
  });
});

describe('agreement terms on pages', () => {
  it('drafts with errors named, saves, signs, and then offers no change', async () => {
    const executive = await signedInBrowser(t.app, 'executive@mercia.example');
    const base = `/organisations/${ids.orgs.SVCT}/terms`;
    expect((await executive.get(base)).statusCode).toBe(200);
    await executive.get(`${base}/new`);
    const bad = await executive.post(base, {
      ...typed('effectiveFrom', '2026-04-01'),
      ...typed('reviewOn', '2026-01-01'),
      noticeMonths: 'twelve',
      exitCostSharing: '',
      notes: '',
    });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    expect(summary).toContain('notice period');
    expect(summary).toContain('Enter how exit costs are shared');
    expect(summary).toContain('data sharing role');
    expect(summary).toContain('Choose a charging model for at least one service line');

    const saved = await executive.post(base, {
      ...typed('effectiveFrom', '2026-04-01'),
      ...typed('reviewOn', '2029-03-31'),
      noticeMonths: '6',
      exitCostSharing: 'Each party bears its own',
      dataSharingRole: 'joint_controller',
      'model-LEGAL': 'purchased_hours',
      notes: '',
    });
    expect(saved.statusCode, errorSummary(saved.body)).toBe(303);
    const version = await executive.get(saved.headers.location as string);
    expect(version.body).toContain('Purchased hours');
    expect(version.body).toContain('Joint controller');
    const signPath = `${(saved.headers.location as string).split('?')[0]}/sign`;
    await executive.get(signPath);
    const unsigned = await executive.post(signPath, { ...typed('signedOn', ''), signedForPartner: '' });
    expect(unsigned.statusCode).toBe(400);
    expect(errorSummary(unsigned.body)).toContain('Enter the date it was signed');
    const signed = await executive.post(signPath, {
      ...typed('signedOn', londonDate()),
      signedForPartner: 'A Trustee',
    });
    expect(signed.statusCode).toBe(303);
    const after = await executive.get(signed.headers.location as string);
    expect(after.body).toContain('Version signed');
    expect(after.body).not.toContain('/edit');
    expect(after.body).toContain('A Trustee');
    expect(after.body).not.toMatch(UNTRANSLATED);
    expect(bad.body).not.toMatch(UNTRANSLATED);
    expect((await executive.get(base)).body).not.toMatch(UNTRANSLATED);
  });

  it('shows a partner manager their own terms from their organisation’s page, and nobody else’s', async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
    const own = await manager.get(`/organisations/${ids.orgs.WDC}`);
    expect(own.body).toContain(`href="/organisations/${ids.orgs.WDC}/terms"`);
    expect((await manager.get(`/organisations/${ids.orgs.WDC}/terms`)).statusCode).toBe(200);
    expect((await manager.get(`/organisations/${ids.orgs.SVCT}/terms`)).statusCode).toBe(404);
    expect((await manager.get(`/organisations/${ids.orgs.WDC}/terms/new`)).statusCode).toBe(403);
  });
});
