import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../../test/helpers/requests.js';

let t: TestApp;
let tokens: Tokens;
// Words no other test uses, so that a search finds only what this test raised.
const word = (name: string) => `${name}${crypto.randomBytes(3).toString('hex')}`;
const [shared, theirs, answered, replied, internal, partnerReplied] = [
  'quokka',
  'platypus',
  'wombat',
  'kookaburra',
  'dingo',
  'echidna',
].map(word) as [string, string, string, string, string, string];

let wdc: Body;
let mfrs: Body;

beforeAll(async () => {
  t = await buildTestApp();
  tokens = await requestTokens(t);
  clockAt('2026-03-23T09:00:00Z');
  wdc = expectStatus(
    await as(t, tokens.wdcRequester).post('/requests', {
      ...FAULT,
      subject: `The ${shared} printer`,
      answers: { ...FAULT.answers, what_happened: `A ${answered} chewed the cable` },
    }),
    201,
  );
  mfrs = expectStatus(
    await as(t, tokens.mfrsRequester).post('/requests', {
      ...FAULT,
      subject: `The ${shared} ${theirs} scanner`,
    }),
    201,
  );
  expectStatus(
    await as(t, tokens.agent).post(`/requests/${wdc.reference}/comments`, {
      body: `A ${replied} engineer is coming`,
    }),
    201,
  );
  expectStatus(
    await as(t, tokens.agent).post(`/requests/${wdc.reference}/notes`, { body: `The ${internal} again` }),
    201,
  );
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

const found = async (who: keyof Tokens, q: string, path = '/requests') =>
  expectStatus(await as(t, tokens[who]).get(`${path}?q=${encodeURIComponent(q)}`), 200).data.map(
    (item: Body) => item.reference,
  );

describe('searching requests', () => {
  it('finds words of the subject, the answers and public replies, not internal notes', async () => {
    expect(await found('wdcRequester', shared)).toEqual([wdc.reference]);
    expect(await found('wdcRequester', answered)).toEqual([wdc.reference]);
    expect(await found('wdcRequester', replied)).toEqual([wdc.reference]);
    expect(await found('agent', internal)).toEqual([]);
    expect(await found('agent', `${shared} -${theirs}`)).toEqual([wdc.reference]);
    expect(await found('agent', `"${shared} ${theirs}"`)).toEqual([mfrs.reference]);
  });

  it('finds references by their start', async () => {
    expect(await found('wdcRequester', wdc.reference.toLowerCase())).toEqual([wdc.reference]);
    expect(await found('wdcRequester', wdc.reference.slice(0, -1))).toContain(wdc.reference);
    expect(await found('wdcRequester', '%')).toEqual([]);
  });

  it('never finds another partner’s requests, by their words or their reference', async () => {
    for (const who of ['wdcRequester', 'wdcManager'] as const) {
      expect(await found(who, theirs)).toEqual([]);
      expect(await found(who, mfrs.reference)).toEqual([]);
      expect(await found(who, shared)).toEqual([wdc.reference]);
    }
    for (const who of ['mfrsRequester', 'mfrsManager'] as const) {
      expect(await found(who, answered)).toEqual([]);
      expect(await found(who, replied)).toEqual([]);
      expect(await found(who, wdc.reference)).toEqual([]);
      expect(await found(who, shared)).toEqual([mfrs.reference]);
    }
    // Nor does a requester of the host's own directorates.
    expect(await found('chsRequester', shared)).toEqual([]);
  });

  it('searches the service centre’s list and queue across the partners it serves', async () => {
    expect((await found('agent', shared)).sort()).toEqual([wdc.reference, mfrs.reference].sort());
    expect((await found('agent', shared, '/queue')).sort()).toEqual([wdc.reference, mfrs.reference].sort());
  });

  it('searches the queue by the words of answers and replies, the partner’s included, and references', async () => {
    expect(await found('agent', answered, '/queue')).toEqual([wdc.reference]);
    expect(await found('agent', replied, '/queue')).toEqual([wdc.reference]);
    expect(await found('agent', internal, '/queue')).toEqual([]);
    // The partner's reply adds words to a queue row only the host may write: copied by the database.
    expect(await found('agent', partnerReplied, '/queue')).toEqual([]);
    expectStatus(
      await as(t, tokens.mfrsRequester).post(`/requests/${mfrs.reference}/comments`, {
        body: `The ${partnerReplied} manual says to restart it`,
      }),
      201,
    );
    expect(await found('agent', partnerReplied, '/queue')).toEqual([mfrs.reference]);
    expect(await found('agent', mfrs.reference, '/queue')).toEqual([mfrs.reference]);
  });
});
