import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../../test/helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The text of the GOV.UK error summary, or '' when there is none. */
function errorSummary(html: string): string {
  const match = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html);
  return match ? match[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') : '';
}

describe('adding a service line', () => {
  it('adds a service line', async () => {
    const manager = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await manager.get('/catalogue/service-lines/new');
    const bad = await manager.post('/catalogue/service-lines', { code: '', name: '', teams: '' });
    expect(bad.statusCode).toBe(400);
    expect(errorSummary(bad.body)).toContain('Enter a code');
    const good = await manager.post('/catalogue/service-lines', {
      code: 'AUDIT',
      name: 'Internal audit',
      teams: 'Audit\nCounter fraud',
    });
    expect(good.statusCode).toBe(303);
    expect((await manager.get('/catalogue?lineAdded=1')).body).toContain('Internal audit');
  });
});
