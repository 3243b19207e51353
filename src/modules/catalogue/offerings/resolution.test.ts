import { describe, expect, it } from 'vitest';
import { differences, lgslUri, resolve, type Overrides, type StandardOffering } from './resolution.js';

const standard: StandardOffering = {
  code: 'IT-FAULT',
  name: 'Report an IT fault',
  description: 'Something is broken.',
  serviceLineCode: 'IT',
  serviceLineName: 'IT',
  lgslId: null,
  unit: 'request',
  formFields: [{ key: 'what', label: 'What is broken', type: 'text', required: true }],
  slaPolicyId: 'p-standard',
  approvalRequired: false,
  status: 'active',
};
const policies = new Map([
  ['p-standard', { id: 'p-standard', code: 'IT-STANDARD' }],
  ['p-fast', { id: 'p-fast', code: 'IT-24X7' }],
]);
const none: Overrides = { name: null, description: null, hidden: false, extraFields: [], slaPolicyId: null };
const price = (pence: number) => ({ pence, validFrom: '2025-04-01', validTo: null });
const station = { key: 'station', label: 'Fire station', type: 'text' as const, required: true };

describe('inherit and override', () => {
  it.each<
    [
      string,
      Overrides | undefined,
      { standard?: ReturnType<typeof price>; own?: ReturnType<typeof price> },
      object,
    ]
  >([
    [
      'no variant: the standard, at the standard price',
      undefined,
      { standard: price(4000) },
      { name: 'Report an IT fault', localVariant: false, price: { unitPrice: '40.00', source: 'standard' } },
    ],
    [
      'a variant that overrides nothing still says it is local',
      none,
      { standard: price(4000) },
      { name: 'Report an IT fault', description: 'Something is broken.', localVariant: true },
    ],
    [
      'a name of its own, the standard description',
      { ...none, name: 'Report a fault (stations)' },
      {},
      { name: 'Report a fault (stations)', description: 'Something is broken.', price: null },
    ],
    [
      'its own price replaces the standard',
      none,
      { standard: price(4000), own: price(3500) },
      { price: { unitPrice: '35.00', pence: 3500, source: 'partner' } },
    ],
    ['its own price with no standard one', none, { own: price(3500) }, { price: { source: 'partner' } }],
    ['another SLA policy', { ...none, slaPolicyId: 'p-fast' }, {}, { slaPolicy: { code: 'IT-24X7' } }],
    [
      'an SLA policy it cannot see resolves to none',
      { ...none, slaPolicyId: 'p-hidden' },
      {},
      { slaPolicy: null },
    ],
  ])('%s', (_name, variant, prices, expected) => {
    expect(resolve(standard, variant, prices, policies)).toMatchObject(expected);
  });

  it('asks the extra questions after the standard ones', () => {
    const resolved = resolve(standard, { ...none, extraFields: [station] }, {}, policies);
    expect(resolved.formFields.map((f) => f.key)).toEqual(['what', 'station']);
  });

  it('shows an LGSL id as its esd.org.uk address', () => {
    expect(lgslUri(null)).toBeNull();
    expect(lgslUri(1497)).toBe('http://id.esd.org.uk/service/1497');
  });
});

describe('what a variant changes', () => {
  it.each<
    [
      string,
      Overrides | undefined,
      { standard?: ReturnType<typeof price>; own?: ReturnType<typeof price> },
      unknown[],
    ]
  >([
    ['no variant: nothing', undefined, { standard: price(4000) }, []],
    ['a variant that sets nothing: nothing', none, { standard: price(4000) }, []],
    ['a name the same as the standard: nothing', { ...none, name: 'Report an IT fault' }, {}, []],
    [
      'a name of its own',
      { ...none, name: 'Mine' },
      {},
      [{ field: 'name', standard: 'Report an IT fault', variant: 'Mine' }],
    ],
    [
      'a description of its own',
      { ...none, description: 'Ours.' },
      {},
      [{ field: 'description', standard: 'Something is broken.', variant: 'Ours.' }],
    ],
    ['hidden', { ...none, hidden: true }, {}, [{ field: 'hidden', standard: 'visible', variant: 'hidden' }]],
    [
      'extra questions, by label',
      { ...none, extraFields: [station] },
      {},
      [{ field: 'extraFields', standard: '', variant: 'Fire station' }],
    ],
    [
      'another SLA policy, by code',
      { ...none, slaPolicyId: 'p-fast' },
      {},
      [{ field: 'slaPolicy', standard: 'IT-STANDARD', variant: 'IT-24X7' }],
    ],
    ['the standard SLA policy named again: nothing', { ...none, slaPolicyId: 'p-standard' }, {}, []],
    [
      'its own price, against the standard',
      undefined,
      { standard: price(442), own: price(410) },
      [{ field: 'price', standard: '4.42', variant: '4.10' }],
    ],
    [
      'its own price with no standard one',
      undefined,
      { own: price(410) },
      [{ field: 'price', standard: '', variant: '4.10' }],
    ],
  ])('%s', (_name, variant, prices, expected) => {
    expect(differences(standard, variant, prices, policies)).toEqual(expected);
  });

  it('lists every difference, in a fixed order', () => {
    const all = differences(
      standard,
      { name: 'N', description: 'D', hidden: true, extraFields: [station], slaPolicyId: 'p-fast' },
      { standard: price(100), own: price(90) },
      policies,
    );
    expect(all.map((d) => d.field)).toEqual([
      'name',
      'description',
      'hidden',
      'extraFields',
      'slaPolicy',
      'price',
    ]);
  });
});
