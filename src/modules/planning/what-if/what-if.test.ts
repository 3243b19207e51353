import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import { PEOPLE } from '../planning.test-helpers.js';
import { usageWindow } from './what-if.service.js';

let t: TestApp;
const tokens: Record<string, string> = {};
const api = (who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  apiCall(t.app, tokens[who]!, method, url, body);

const HR_MODEL = { unit: 'payslips', fixedCost: '100000.00', variableCost: '0.50' };
type Partner = {
  organisation: string;
  before: string | null;
  after: string;
  saving: string | null;
  volumeSource: string;
};

/** WDC 6,000 payslips, MFRS 4,000 and everyone else none, whatever their usage: the kernel's worked example. */
async function volumesFor(line: string) {
  const preview = await api('finance', 'POST', '/api/v1/what-if-scenarios/preview', {
    serviceLine: line,
    prospect: 'Nobody',
    prospectVolume: 0,
  });
  return (preview.json().partners as Partner[]).map((p) => ({
    organisation: p.organisation,
    volume: p.organisation === 'WDC' ? 6000 : p.organisation === 'MFRS' ? '4,000' : 0,
  }));
}

beforeAll(async () => {
  t = await buildTestApp();
  tokens.finance = await apiTokenFor(t.db, PEOPLE.finance, 'MCC');
  tokens.serviceManager = await apiTokenFor(t.db, PEOPLE.serviceManager, 'MCC');
  tokens.wdcManager = await apiTokenFor(t.db, PEOPLE.wdcManager, 'WDC');
});
afterAll(() => t?.close());

describe('cost models', () => {
  it('are set by builders, with every problem named', async () => {
    const bad = await api('finance', 'PUT', '/api/v1/cost-models/HR', {
      unit: '',
      fixedCost: '-1',
      variableCost: 'cheap',
      steps: [
        { fromVolume: 20000, addedFixedCost: '10.00' },
        { fromVolume: 10000, addedFixedCost: '10.00' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toEqual({
      unit: 'Enter what the line’s volume counts, such as payslips',
      fixedCost: 'Enter the annual fixed cost in pounds and pence, zero or more, such as 250000.00',
      variableCost: 'Enter the cost of each further unit in pounds and pence, zero or more, such as 4.42',
      steps: 'Each capacity step must start at a higher volume than the one before',
    });
    expect((await api('serviceManager', 'PUT', '/api/v1/cost-models/HR', HR_MODEL)).statusCode).toBe(403);
    expect((await api('finance', 'PUT', '/api/v1/cost-models/NOPE', HR_MODEL)).statusCode).toBe(404);
    expect((await api('finance', 'PUT', '/api/v1/cost-models/HR', HR_MODEL)).statusCode).toBe(204);
    const models = (await api('serviceManager', 'GET', '/api/v1/cost-models')).json().data;
    expect(models.find((m: { serviceLine: string }) => m.serviceLine === 'HR').model).toEqual({
      ...HR_MODEL,
      offering: null,
      steps: [],
    });
    expect(models.find((m: { serviceLine: string }) => m.serviceLine === 'IT').model).toBeNull();
  });
});

describe('scenarios', () => {
  it('give each partner’s charge before and after, to the penny, from volumes entered', async () => {
    const volumes = await volumesFor('HR');
    const response = await api('finance', 'POST', '/api/v1/what-if-scenarios/preview', {
      serviceLine: 'hr',
      prospect: 'Severn District Council',
      prospectVolume: '5,000',
      volumes,
    });
    expect(response.statusCode).toBe(200);
    const scenario = response.json();
    expect(scenario.before).toEqual({ volume: 10000, totalCost: '105000.00', unitCost: '10.5000', steps: 0 });
    expect(scenario.after).toEqual({ volume: 15000, totalCost: '107500.00', unitCost: '7.1667', steps: 0 });
    const wdc = scenario.partners.find((p: Partner) => p.organisation === 'WDC');
    const mfrs = scenario.partners.find((p: Partner) => p.organisation === 'MFRS');
    expect(wdc).toMatchObject({
      before: '63000.00',
      after: '43000.00',
      saving: '20000.00',
      volumeSource: 'entered',
    });
    expect(mfrs).toMatchObject({ before: '42000.00', after: '28666.67', saving: '13333.33' });
    expect(scenario.prospectCharge).toBe('35833.33');
    expect(scenario.id).toBeNull();
  });

  it('are saved with the model as it was, compared side by side, and never shown to partners', async () => {
    const volumes = await volumesFor('HR');
    const saved = await api('finance', 'POST', '/api/v1/what-if-scenarios', {
      serviceLine: 'HR',
      prospect: 'Severn District Council',
      prospectVolume: 5000,
      volumes,
    });
    expect(saved.statusCode).toBe(201);
    const first = saved.json();
    expect(first).toMatchObject({ name: 'Severn District Council', prospectCharge: '35833.33' });
    // A dearer model later does not change what was saved.
    await api('finance', 'PUT', '/api/v1/cost-models/HR', {
      ...HR_MODEL,
      steps: [{ fromVolume: 12000, addedFixedCost: '20000.00' }],
    });
    const second = (
      await api('finance', 'POST', '/api/v1/what-if-scenarios', {
        serviceLine: 'HR',
        name: 'Severn, with a second team',
        prospect: 'Severn District Council',
        prospectVolume: 5000,
        volumes,
      })
    ).json();
    expect(second).toMatchObject({ stepsCrossed: 1, after: { totalCost: '127500.00', unitCost: '8.5000' } });
    expect(
      (await api('finance', 'GET', `/api/v1/what-if-scenarios/${first.id}`)).json().after.totalCost,
    ).toBe('107500.00');
    expect((await api('serviceManager', 'GET', '/api/v1/what-if-scenarios')).json().data).toHaveLength(2);

    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const compare = await finance.get(`/planning/what-if/compare?scenario=${first.id}&scenario=${second.id}`);
    expect(compare.statusCode).toBe(200);
    expect(compare.body).toContain('data-qa="compare"');
    expect(compare.body).toContain('£107,500.00');
    expect(compare.body).toContain('£127,500.00');
    expect(compare.body).toContain('£20,000.00'); // WDC's saving in the first
    expect(compare.body).toContain('£12,000.00'); // and in the second

    expect((await api('wdcManager', 'GET', '/api/v1/what-if-scenarios')).statusCode).toBe(403);
    expect((await api('wdcManager', 'GET', `/api/v1/what-if-scenarios/${first.id}`)).statusCode).toBe(404);
    expect((await api('wdcManager', 'GET', '/api/v1/cost-models')).statusCode).toBe(403);
    const partner = await signedInBrowser(t.app, PEOPLE.wdcManager);
    expect((await partner.get('/planning/what-if')).statusCode).toBe(403);
    expect((await partner.get(`/planning/what-if/${first.id}`)).statusCode).toBe(404);
    const peek = await partner.get(`/planning/what-if/compare?scenario=${first.id}`);
    expect(peek.statusCode).toBe(404);
    expect(peek.body).not.toContain('Severn');
    expect((await api('serviceManager', 'DELETE', `/api/v1/what-if-scenarios/${first.id}`)).statusCode).toBe(
      403,
    );
    expect((await api('finance', 'DELETE', `/api/v1/what-if-scenarios/${first.id}`)).statusCode).toBe(204);
  });

  it('refuse a line without a model, volumes for organisations not on the line, and bad volumes', async () => {
    const noModel = await api('finance', 'POST', '/api/v1/what-if-scenarios/preview', {
      serviceLine: 'IT',
      prospect: 'X',
      prospectVolume: 1,
    });
    expect(noModel.statusCode).toBe(409);
    expect(noModel.json().error.code).toBe('ERR_NO_COST_MODEL');
    const unknown = await api('finance', 'POST', '/api/v1/what-if-scenarios/preview', {
      serviceLine: 'HR',
      prospect: 'X',
      prospectVolume: 1,
      volumes: [{ organisation: 'BWF', volume: 10 }],
    });
    expect(unknown.json().error.details.fields.volumes).toMatch(/BWF/);
    const bad = await api('finance', 'POST', '/api/v1/what-if-scenarios/preview', {
      serviceLine: 'HR',
      prospect: '',
      prospectVolume: '-3',
      volumes: [{ organisation: 'WDC', volume: '1.5' }],
    });
    expect(bad.json().error.details.fields).toEqual({
      prospect: 'Enter who might join, such as Severn District Council',
      prospectVolume: 'Enter the prospect’s expected annual volume as a whole number, such as 4000',
      'volumes.0.volume': 'Enter the annual volume of WDC as a whole number, such as 12000',
    });
  });
});

describe('pages', () => {
  it('set a cost model, preview and save a scenario without JavaScript', async () => {
    const finance = await signedInBrowser(t.app, PEOPLE.finance);
    const index = await finance.get('/planning/what-if');
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('data-qa="cost-models"');
    await finance.get('/planning/what-if/cost-models/PRINT');
    const bad = await finance.post('/planning/what-if/cost-models/PRINT', {
      unit: 'pages',
      offering: '',
      fixedCost: '20000',
      variableCost: '0.03',
      'steps-0-fromVolume': '0',
      'steps-0-addedFixedCost': '500',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(
      '<a href="#steps-0-fromVolume">Capacity step 1 must start at a whole number of units above 0',
    );
    const good = await finance.post('/planning/what-if/cost-models/PRINT', {
      unit: 'pages',
      offering: '',
      fixedCost: '£20,000',
      variableCost: '0.03',
      'steps-0-fromVolume': '1,000,000',
      'steps-0-addedFixedCost': '5000',
    });
    expect(good.statusCode).toBe(303);
    const form = await finance.get('/planning/what-if/new?line=PRINT');
    expect(form.statusCode).toBe(200);
    const partners = [...form.body.matchAll(/name="(volume-[A-Z-]+)"[^>]*value="(\d+)"/g)];
    expect(partners.length).toBeGreaterThan(0);
    const volumes = Object.fromEntries(partners.map((m) => [m[1]!, m[2]!]));
    const preview = await finance.post('/planning/what-if', {
      serviceLine: 'PRINT',
      prospect: 'Severn Vale Housing',
      prospectVolume: '50000',
      action: 'preview',
      ...volumes,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('data-qa="scenario-partners"');
    expect(preview.body).toContain('data-qa="unit-after"');
    const missing = await finance.post('/planning/what-if', {
      serviceLine: 'PRINT',
      prospect: '',
      prospectVolume: 'many',
      action: 'save',
      ...volumes,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('<a href="#prospect">Enter who might join');
    const saved = await finance.post('/planning/what-if', {
      serviceLine: 'PRINT',
      prospect: 'Severn Vale Housing',
      prospectVolume: '50000',
      action: 'save',
      ...volumes,
    });
    expect(saved.statusCode).toBe(303);
    const page = await finance.get(saved.headers.location as string);
    expect(page.body).toContain('Severn Vale Housing');
    expect(page.body).toContain('data-qa="scenario-line"');
  });

  it('reads partners’ volumes over the twelve months to today', () => {
    expect(usageWindow(new Date('2026-12-03T10:00:00Z'))).toEqual({
      from: '2025-12-04',
      until: '2026-12-04',
    });
    expect(usageWindow(new Date('2028-02-28T23:30:00Z'))).toEqual({
      from: '2027-03-01',
      until: '2028-02-29',
    });
  });
});
