import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { inScope, refusalOf, type Scope } from '../../../platform/db/index.js';
import { DomainError } from '../../../platform/errors.js';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../../test/helpers/app.js';
import '../catalogue.errors.js';
import { offeringsRepository } from '../offerings/offerings.repository.js';
import { tariffsRepository } from './tariffs.repository.js';
import { demoIds } from '../../../../test/helpers/database.js';

// Two price writes can both pass the application's overlap check before either commits; the
// database trigger then refuses the second. These tests put a row in first, straight through the
// repository, and make the application's check miss it, as the racing write would.

let t: TestApp;
const orgs: Record<string, string> = {};
let manager: Scope;
let laptop: { id: string; serviceLineId: string };

beforeAll(async () => {
  t = await buildTestApp();
  Object.assign(orgs, (await demoIds(t.db)).orgs);
  const user = await t.db.kysely
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'service.manager@mercia.example')
    .executeTakeFirstOrThrow();
  manager = { userId: user.id, orgIds: [orgs.MCC!] };
  const offering = await inScope(t.db, manager, (tx) =>
    offeringsRepository.byCode(tx, orgs.MCC!, 'IT-LAPTOP'),
  );
  laptop = { id: offering!.id, serviceLineId: offering!.serviceLineId };
  // The row the racing write put in: Wyvern's own laptop price from 2040.
  await inScope(t.db, manager, (tx) =>
    tariffsRepository.insert(tx, {
      orgId: orgs.WDC!,
      hostOrgId: orgs.MCC!,
      serviceLineId: laptop.serviceLineId,
      offeringId: laptop.id,
      pence: 70_000,
      validFrom: '2040-01-01',
      validTo: null,
      createdBy: user.id,
    }),
  );
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

const skipApplicationCheck = () => vi.spyOn(tariffsRepository, 'overlapping').mockResolvedValue([]);
const tariffCount = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from tariffs`.execute(t.db.kysely)).rows[0]!.n);

describe('an overlapping price that races past the application check', () => {
  it('is refused by the database, and the unit of work answers that refusal as ERR_TARIFF_OVERLAP', async () => {
    const refusal = await inScope(t.db, manager, (tx) =>
      tariffsRepository.insert(tx, {
        orgId: orgs.WDC!,
        hostOrgId: orgs.MCC!,
        serviceLineId: laptop.serviceLineId,
        offeringId: laptop.id,
        pence: 1,
        validFrom: '2045-06-01',
        validTo: '2045-06-30',
        createdBy: null,
      }),
    ).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'ERR_TARIFF_OVERLAP',
      details: { fields: { validFrom: 'catalogue.errors.tariffOverlap' } },
    });
    expect(refusalOf({ code: '23P01', constraint: 'tariffs_no_overlap' })?.code).toBe('ERR_TARIFF_OVERLAP');
    expect(refusalOf({ code: '23P01', constraint: 'some_other_rule' })?.code).toBe('ERR_CONFLICT');
    expect(refusalOf(new Error('something else'))).toBeUndefined();
  });

  it('answers 409 ERR_TARIFF_OVERLAP in the API, not a server error', async () => {
    const token = await apiTokenFor(t.db, 'service.manager@mercia.example', 'MCC');
    const before = await tariffCount();
    const check = skipApplicationCheck();
    const response = await apiCall(t.app, token, 'POST', '/api/v1/catalogue/tariffs', {
      offering: 'IT-LAPTOP',
      organisation: 'WDC',
      unitPrice: '650.00',
      validFrom: '2041-04-01',
    });
    expect(check).toHaveBeenCalled();
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'ERR_TARIFF_OVERLAP',
      details: { fields: { validFrom: 'catalogue.errors.tariffOverlap' } },
    });
    expect(await tariffCount()).toBe(before);
  });

  it('rejects a CSV import with the line of the refused row, through the API, and imports nothing', async () => {
    const token = await apiTokenFor(t.db, 'service.manager@mercia.example', 'MCC');
    const before = await tariffCount();
    skipApplicationCheck();
    const csv = [
      'offering,organisation,unit_price,valid_from,valid_to',
      'IT-FAULT,WDC,40.00,2042-01-01,',
      'IT-LAPTOP,WDC,640.00,2042-01-01,2042-12-31',
      'IT-FAULT,MFRS,41.00,2042-01-01,',
    ].join('\n');
    const response = await apiCall(t.app, token, 'POST', '/api/v1/catalogue/tariffs/import', { csv });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('ERR_IMPORT_REJECTED');
    expect(response.json().error.details.rows).toEqual([
      { line: 3, field: 'validFrom', message: 'catalogue.errors.tariffOverlap' },
    ]);
    expect(await tariffCount()).toBe(before);
  });

  it('shows a GOV.UK error summary with the line on the prices page', async () => {
    const browser = await signedInBrowser(t.app, 'service.manager@mercia.example');
    await browser.get('/catalogue/tariffs');
    const before = await tariffCount();
    skipApplicationCheck();
    const page = await browser.post('/catalogue/tariffs/import', {
      csv: 'offering,organisation,unit_price,valid_from,valid_to\nIT-LAPTOP,WDC,640.00,2043-01-01,\n',
    });
    expect(page.statusCode).toBe(400);
    const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(page.body)?.[0] ?? '';
    expect(summary.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).toContain(
      'Line 2: Those dates overlap another price of this offering for the same organisation',
    );
    expect(await tariffCount()).toBe(before);
  });
});
