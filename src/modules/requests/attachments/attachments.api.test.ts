import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  as,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Tokens,
} from '../../../../test/helpers/requests.js';
import { EXE, multipartBody, PDF, PNG } from './attachments.test-helpers.js';

const MAX = 4_096;
let t: TestApp;
let tokens: Tokens;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-attachments-'));
  t = await buildTestApp({ TANDEM_ATTACHMENTS_DIR: dir, TANDEM_ATTACHMENT_MAX_BYTES: String(MAX) });
  tokens = await requestTokens(t);
  releaseClock();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type File = { field?: string; name: string; content: Buffer; type?: string };

function upload(token: string, url: string, files: File[], headers: Record<string, string> = {}) {
  const body = multipartBody(files);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...body.headers, ...headers },
    payload: body.payload,
  });
}

const storedFiles = () =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).flatMap((folder) => fs.readdirSync(path.join(dir, folder)).map((name) => name))
    : [];
const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');
/** Bytes no other test sends, so that what is stored of them can be told apart. */
const unique = (label: string) => Buffer.from(`${label} ${crypto.randomUUID()}\n`);
const rowsWith = async (digest: string) =>
  (
    await sql<{ n: number }>`select ((select count(*) from request_attachments where sha256 = ${digest})
      + (select count(*) from attachment_uploads where sha256 = ${digest}))::int as n`.execute(t.db.kysely)
  ).rows[0]!.n;

async function raiseWithScreenshot(token: string, ids: string[]) {
  return as(t, token).post('/requests', { ...FAULT, answers: { ...FAULT.answers, screenshot: ids } });
}

describe('attachments', () => {
  it('answers a file question with an upload, and serves it to those who see the request only', async () => {
    const staged = expectStatus(
      await upload(tokens.wdcRequester, '/attachments', [
        { name: 'screen.png', content: PNG, type: 'image/png' },
      ]),
      201,
    );
    const [file] = staged.attachments;
    expect(file).toMatchObject({
      fileName: 'screen.png',
      mediaType: 'image/png',
      sizeBytes: PNG.length,
      sha256: sha(PNG),
    });

    const raised = expectStatus(await raiseWithScreenshot(tokens.wdcRequester, [file.id]), 201);
    expect(raised.answers.screenshot).toEqual([file.id]);
    const listed = expectStatus(
      await as(t, tokens.wdcRequester).get(`/requests/${raised.reference}/attachments`),
      200,
    );
    expect(listed.attachments).toEqual([expect.objectContaining({ id: file.id, fieldKey: 'screenshot' })]);

    for (const who of ['wdcRequester', 'wdcManager', 'agent'] as const) {
      const response = await as(t, tokens[who]).get(`/requests/${raised.reference}/attachments/${file.id}`);
      expect(response.statusCode, who).toBe(200);
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="screen.png"; filename*=UTF-8''screen.png`,
      );
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.rawPayload.equals(PNG)).toBe(true);
    }
    // Another partner's people: not found, as for a file that does not exist.
    const missing = await as(t, tokens.mfrsRequester).get(
      `/requests/${raised.reference}/attachments/${crypto.randomUUID()}`,
    );
    for (const response of [
      await as(t, tokens.mfrsRequester).get(`/requests/${raised.reference}/attachments/${file.id}`),
      await as(t, tokens.mfrsManager).get(`/requests/${raised.id}/attachments/${file.id}`),
      await as(t, tokens.mfrsManager).get(`/requests/${raised.reference}/attachments`),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe(missing.json().error.code);
    }
    // An upload is used once: a second request cannot take it.
    const again = await raiseWithScreenshot(tokens.wdcRequester, [file.id]);
    expect(expectStatus(again, 400).error.details.fields).toEqual({
      'answers.screenshot': 'requests.errors.answerFile',
    });
  });

  it('lets no one answer with another person’s upload', async () => {
    const theirs = expectStatus(
      await upload(tokens.mfrsRequester, '/attachments', [{ name: 'theirs.pdf', content: PDF }]),
      201,
    ).attachments[0];
    const response = await raiseWithScreenshot(tokens.wdcRequester, [theirs.id]);
    expect(expectStatus(response, 400).error.details.fields).toEqual({
      'answers.screenshot': 'requests.errors.answerFile',
    });
    // The upload is still its owner's to use.
    const mfrs = await as(t, tokens.mfrsRequester).post('/requests', {
      ...FAULT,
      answers: { ...FAULT.answers, screenshot: [theirs.id] },
    });
    expect(mfrs.statusCode).toBe(201);
  });

  it('refuses a disguised file, a forbidden kind and an oversized one, keeping nothing of them', async () => {
    const before = storedFiles().length;
    const disguised = await upload(tokens.wdcRequester, '/attachments', [
      { name: 'invoice.pdf', content: EXE, type: 'application/pdf' },
    ]);
    expect(expectStatus(disguised, 415).error.code).toBe('ERR_ATTACHMENT_DISGUISED');
    const program = await upload(tokens.wdcRequester, '/attachments', [{ name: 'setup.exe', content: EXE }]);
    expect(expectStatus(program, 415).error.code).toBe('ERR_ATTACHMENT_TYPE');
    const big = await upload(tokens.wdcRequester, '/attachments', [
      { name: 'big.txt', content: Buffer.alloc(MAX + 1, 'a'), type: 'text/plain' },
    ]);
    expect(expectStatus(big, 413).error.code).toBe('ERR_BODY_TOO_LARGE');
    // One bad file among good ones: none is kept.
    const mixed = await upload(tokens.wdcRequester, '/attachments', [
      { name: 'fine.csv', content: unique('a,b') },
      { name: 'bad.png', content: EXE },
    ]);
    expect(mixed.statusCode).toBe(415);
    const none = await upload(tokens.wdcRequester, '/attachments', []);
    expect(expectStatus(none, 400).error.code).toBe('ERR_ATTACHMENT_MISSING');
    const json = await as(t, tokens.wdcRequester).post('/attachments', { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(storedFiles().length).toBe(before);
  });

  it('attaches files to a request as an event, and removes the bytes when the change is refused', async () => {
    const raised = expectStatus(await as(t, tokens.wdcRequester).post('/requests', FAULT), 201);
    const notes = unique('meeting notes');
    const added = await upload(tokens.agent, `/requests/${raised.reference}/attachments`, [
      { name: 'notes.txt', content: notes },
      { name: 'data.csv', content: Buffer.from('a,b\n1,2\n') },
    ]);
    const body = expectStatus(added, 201);
    expect(added.headers.etag).toBe('"2"');
    expect(body.attachments.map((a: { mediaType: string }) => a.mediaType)).toEqual([
      'text/plain',
      'text/csv',
    ]);
    const csv = await as(t, tokens.wdcRequester).get(
      `/requests/${raised.reference}/attachments/${body.attachments[1].id}`,
    );
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const view = expectStatus(await as(t, tokens.wdcRequester).get(`/requests/${raised.reference}`), 200);
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'attachment' });
    expect(storedFiles()).toContain(sha(notes));

    // A stale If-Match: the change is refused, and bytes no row has are not left behind.
    const lost = unique('lost');
    const stale = await upload(
      tokens.wdcRequester,
      `/requests/${raised.reference}/attachments`,
      [{ name: 'lost.txt', content: lost }],
      {
        'if-match': '"1"',
      },
    );
    expect(expectStatus(stale, 409).error.code).toBe('ERR_STALE');
    expect(storedFiles()).not.toContain(sha(lost));
    expect(await rowsWith(sha(lost))).toBe(0);
    // The same bytes as a file kept elsewhere: refused, and the kept file's bytes stay.
    const refusedCopy = await upload(
      tokens.wdcRequester,
      `/requests/${raised.reference}/attachments`,
      [{ name: 'copy.txt', content: notes }],
      {
        'if-match': '"1"',
      },
    );
    expect(refusedCopy.statusCode).toBe(409);
    expect(storedFiles()).toContain(sha(notes));
    // Another partner cannot attach to it.
    const foreign = await upload(tokens.mfrsRequester, `/requests/${raised.reference}/attachments`, [
      { name: 'x.txt', content: unique('x') },
    ]);
    expect(foreign.statusCode).toBe(404);
  });

  it('removes uploads not used within a day, with bytes nothing else has', async () => {
    const kept = unique('kept');
    const shared = expectStatus(
      await upload(tokens.wdcRequester, '/attachments', [{ name: 'a.txt', content: kept }]),
      201,
    );
    const raised = expectStatus(
      await raiseWithScreenshot(tokens.wdcRequester, [shared.attachments[0].id]),
      201,
    );
    const forgotten = unique('forgotten');
    for (const content of [forgotten, kept])
      expectStatus(await upload(tokens.wdcRequester, '/attachments', [{ name: 'b.txt', content }]), 201);
    // Bytes left by a process that stopped before its row was committed.
    const stray = unique('stray');
    await (t.app as unknown as { services?: never },
    fs.promises.mkdir(path.join(dir, sha(stray).slice(0, 2)), { recursive: true }));
    fs.writeFileSync(path.join(dir, sha(stray).slice(0, 2), sha(stray)), stray);

    const swept = await sweep(new Date(Date.now() + 2 * 86_400_000));
    expect(swept.uploads).toBeGreaterThanOrEqual(2);
    expect(storedFiles()).not.toContain(sha(forgotten));
    expect(storedFiles()).not.toContain(sha(stray));
    expect(storedFiles()).toContain(sha(kept));
    const response = await as(t, tokens.agent).get(
      `/requests/${raised.reference}/attachments/${shared.attachments[0].id}`,
    );
    expect(response.rawPayload.equals(kept)).toBe(true);
  });
});

/** The daily clean-up, as the job runs it. */
async function sweep(at: Date) {
  const { attachmentsService } = await import('./attachments.service.js');
  const { loadConfig } = await import('../../../config.js');
  const settings = loadConfig({ TANDEM_ATTACHMENTS_DIR: dir, TANDEM_DATA_DIR: 'unused' }).attachments;
  return attachmentsService(t.db, { settings }).sweep(at);
}
