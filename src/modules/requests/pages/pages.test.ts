import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type Browser, type TestApp } from '../../../../test/helpers/app.js';
import { clockAt, releaseClock } from '../../../../test/helpers/requests.js';
import { multipartBody, PNG, EXE } from '../attachments/attachments.test-helpers.js';

let t: TestApp;
let requester: Browser;
let manager: Browser;
let agent: Browser;
let otherPartner: Browser;

beforeAll(async () => {
  t = await buildTestApp();
  requester = await signedInBrowser(t.app, 'requester@wyvern.example');
  manager = await signedInBrowser(t.app, 'manager@wyvern.example');
  agent = await signedInBrowser(t.app, 'agent@mercia.example');
  otherPartner = await signedInBrowser(t.app, 'requester@merciafire.example');
});
afterAll(async () => {
  releaseClock();
  await t.close();
});

/** The text of a page, tags gone and entities read, for assertions about words. */
function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The GOV.UK error summary's entries. */
function summaryOf(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="[^"]*">([^<]*)<\/a>/g)].map((m) => textOf(m[1]!).trim());
}

const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

/** Raises a laptop request through the form; its reference. */
async function raiseLaptop(subject: string): Promise<string> {
  await requester.get('/requests/new/IT-LAPTOP');
  const raised = await requester.post('/requests/new/IT-LAPTOP', {
    subject,
    'answer-for_whom': 'Priya Patel',
    'answer-reason': 'New post',
    priority: 'high',
  });
  expect(raised.statusCode, raised.body.slice(0, 400)).toBe(303);
  const match = /^\/requests\/([^/]+)\/raised$/.exec(raised.headers.location as string);
  expect(match).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

describe('the requester portal', () => {
  it('offers the services the partner may request, by service line and name', async () => {
    const page = await requester.get('/requests/new');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Laptop request');
    expect(text).toContain('Report an IT fault');
    expect(page.body).toContain('href="/requests/new/IT-LAPTOP"');
  });

  it('names every wrong field by its question in the error summary, all at once', async () => {
    const form = await requester.get('/requests/new/IT-LAPTOP');
    expect(form.statusCode).toBe(200);
    expect(textOf(form.body)).toContain('For whom');
    const wrong = await requester.post('/requests/new/IT-LAPTOP', { subject: '', priority: 'medium' });
    expect(wrong.statusCode).toBe(400);
    expect(summaryOf(wrong.body)).toEqual(['Enter a subject', 'Answer “For whom”', 'Answer “Reason”']);
    expect(wrong.body).toContain('href="#answer-for_whom"');
    expect(wrong.body).toContain('href="#answer-reason"');
    expect(wrong.body).toMatch(/<title>Error: /);
  });

  it('confirms a raised request with its reference in a panel that takes focus', async () => {
    const reference = await raiseLaptop('A laptop for the new planning officer');
    const page = await requester.get(`/requests/${reference}/raised`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /class="govuk-panel[^"]*"[^>]*tabindex="-1"[^>]*autofocus|autofocus[^>]*class="govuk-panel/,
    );
    expect(page.body).toContain(reference);
    const list = await requester.get('/requests');
    expect(textOf(list.body)).toContain('A laptop for the new planning officer');
    expect(textOf(list.body)).toContain('Awaiting approval');
  });

  it('answers another partner’s request as not found, as one that does not exist', async () => {
    const reference = await raiseLaptop('Not for Mercia Fire to see');
    const foreign = await otherPartner.get(`/requests/${reference}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('Not for Mercia Fire to see');
    const missing = await otherPartner.get('/requests/WDC-999999');
    expect(missing.statusCode).toBe(404);
  });
});

describe('a request from raising to confirming, through the pages', () => {
  it('is approved, picked up, answered, paused, resumed, resolved and confirmed', async () => {
    // Monday 23 March 2026, 09:00 in London.
    clockAt('2026-03-23T09:00:00Z');
    const reference = await raiseLaptop('Laptop for a new finance officer');
    const href = `/requests/${reference}`;

    // The partner manager approves it from the approvals list and the request's page.
    const approvals = await manager.get('/approvals');
    expect(textOf(approvals.body)).toContain('Laptop for a new finance officer');
    let page = await manager.get(href);
    expect(page.body).toContain(`action="${href}/approve"`);
    const noReason = await manager.post(`${href}/reject`, { version: versionOf(page.body), reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(summaryOf(noReason.body)).toEqual(['Give a reason']);
    expect(noReason.body).toContain('href="#reject-reason"');
    let done = await manager.post(`${href}/approve`, { version: versionOf(page.body), reason: '' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${href}?done=approve`);

    // The agent finds it in the queue and picks it up.
    clockAt('2026-03-23T09:30:00Z');
    const queue = await agent.get('/queue?priority=high&sla=on_track');
    expect(queue.statusCode).toBe(200);
    expect(textOf(queue.body)).toContain('Laptop for a new finance officer');
    page = await agent.get(href);
    expect(page.statusCode).toBe(200);
    done = await agent.post(`${href}/pick-up`, { version: versionOf(page.body) });
    expect(done.statusCode).toBe(303);
    page = await agent.get(done.headers.location as string);
    expect(textOf(page.body)).toContain('The request is assigned to you');
    expect(textOf(page.body)).toContain('Bethan Price');

    // A public reply asking for more, an internal note, and time recorded.
    clockAt('2026-03-23T10:00:00Z');
    done = await agent.post(`${href}/reply`, {
      version: versionOf(page.body),
      body: 'Which model would suit?',
      awaitRequester: 'yes',
    });
    expect(done.statusCode).toBe(303);
    page = await agent.get(href);
    done = await agent.post(`${href}/note`, {
      version: versionOf(page.body),
      body: 'Stock of the light model is low: check with the supplier',
    });
    expect(done.statusCode).toBe(303);
    done = await agent.post(`${href}/record-time`, { minutes: '25', activity: 'Checking stock' });
    expect(done.statusCode).toBe(303);
    page = await agent.get(href);
    expect(textOf(page.body)).toContain('Internal — not shown to the requester');
    expect(textOf(page.body)).toContain('Stock of the light model is low');
    expect(textOf(page.body)).toContain('25 minutes');

    // The requester is asked for more information, and gives it.
    clockAt('2026-03-23T11:00:00Z');
    page = await requester.get(href);
    expect(textOf(page.body)).toContain('Waiting for you');
    expect(textOf(page.body)).toContain('Give more information');
    expect(textOf(page.body)).toContain('Which model would suit?');
    done = await requester.post(`${href}/reply`, { version: versionOf(page.body), body: 'The light one.' });
    expect(done.statusCode).toBe(303);

    // The agent pauses it for a third party, with a reason, then resumes it.
    page = await agent.get(href);
    const noPauseReason = await agent.post(`${href}/pause`, {
      version: versionOf(page.body),
      status: 'awaiting_third_party',
      reason: '',
    });
    expect(noPauseReason.statusCode).toBe(400);
    expect(summaryOf(noPauseReason.body)).toEqual(['Give a reason']);
    done = await agent.post(`${href}/pause`, {
      version: versionOf(page.body),
      status: 'awaiting_third_party',
      reason: 'Waiting for the supplier',
    });
    expect(done.statusCode).toBe(303);
    page = await agent.get(href);
    expect(textOf(page.body)).toMatch(/Resolution paused: [\w ]+ left/);
    clockAt('2026-03-23T12:00:00Z');
    done = await agent.post(`${href}/resume`, { version: versionOf(page.body) });
    expect(done.statusCode).toBe(303);

    // Resolved with a note, then confirmed by the requester.
    clockAt('2026-03-23T14:00:00Z');
    page = await agent.get(href);
    done = await agent.post(`${href}/resolve`, {
      version: versionOf(page.body),
      note: 'Delivered to reception.',
    });
    expect(done.statusCode).toBe(303);
    page = await requester.get(href);
    expect(textOf(page.body)).toContain('Resolved');
    expect(textOf(page.body)).toContain('Delivered to reception.');
    expect(page.body).toContain(`action="${href}/confirm"`);
    expect(page.body).toContain(`action="${href}/reopen"`);
    done = await requester.post(`${href}/confirm`, { version: versionOf(page.body) });
    expect(done.statusCode).toBe(303);
    page = await requester.get(done.headers.location as string);
    expect(textOf(page.body)).toContain('Closed');

    // Nothing of the service centre's side reaches the partner's pages.
    for (const reader of [requester, manager]) {
      const seen = textOf((await reader.get(href)).body);
      expect(seen).not.toContain('Stock of the light model is low');
      expect(seen).not.toContain('Checking stock');
      expect(seen).not.toContain('Bethan Price');
      expect(seen).not.toContain('Service desk');
      expect(seen).not.toContain('Internal');
      expect(seen).not.toContain('25 minutes');
    }
  });

  it('refuses a change made against a version someone else has changed since', async () => {
    clockAt('2026-03-24T09:00:00Z');
    const reference = await raiseLaptop('Laptop for a stale version test');
    const href = `/requests/${reference}`;
    const seen = await manager.get(href);
    const version = versionOf(seen.body);
    expect((await manager.post(`${href}/approve`, { version, reason: '' })).statusCode).toBe(303);
    const stale = await manager.post(`${href}/reject`, { version, reason: 'Changed my mind' });
    expect(stale.statusCode).toBe(409);
    expect(summaryOf(stale.body)).toEqual([
      'Someone else changed this request while you were looking at it. Check the latest details, then try again.',
    ]);
    // The page shows the latest version, to try again from.
    expect(versionOf(stale.body)).toBe(String(Number(version) + 1));
  });
});

describe('file questions', () => {
  /** Posts the IT fault form as a browser does when it has a file input: multipart. */
  const postFault = async (file: { name: string; content: Buffer; type: string } | null) => {
    await requester.get('/requests/new/IT-FAULT');
    const { payload, headers } = multipartBody([
      { field: '_csrf', value: requester.csrf },
      { field: 'subject', value: 'The scanner on floor 3 shows an error' },
      { field: 'answer-what_is_affected', value: 'Scanner' },
      { field: 'answer-what_happened', value: 'It says "paper jam" with no paper in it' },
      { field: 'priority', value: 'medium' },
      ...(file ? [{ field: 'answer-screenshot', ...file }] : []),
    ]);
    return t.app.inject({
      method: 'POST',
      url: '/requests/new/IT-FAULT',
      cookies: requester.cookies,
      headers,
      payload,
    });
  };

  it('sends the form as multipart, keeps the file, and shows it with the answers', async () => {
    const form = await requester.get('/requests/new/IT-FAULT');
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toMatch(/<input class="govuk-file-upload[^>]*name="answer-screenshot"/);
    const raised = await postFault({ name: 'screen.png', content: PNG, type: 'image/png' });
    expect(raised.statusCode, raised.body.slice(0, 300)).toBe(303);
    const reference = /^\/requests\/([^/]+)\/raised$/.exec(raised.headers.location as string)![1]!;
    const page = await requester.get(`/requests/${reference}`);
    expect(page.body).toMatch(
      /<a class="govuk-link" href="\/requests\/[0-9a-f-]{36}\/attachments\/[0-9a-f-]{36}">screen.png<\/a>/,
    );
  });

  it('names the question whose file is refused', async () => {
    const refused = await postFault({ name: 'screen.png', content: EXE, type: 'image/png' });
    expect(refused.statusCode).toBe(400);
    const [problem] = summaryOf(refused.body);
    expect(problem).toMatch(/^“Screenshot”: /);
    expect(refused.body).toContain('href="#answer-screenshot"');
  });
});

describe('a team lead’s changes', () => {
  it('assigns to someone in their team, moves team and changes priority with a reason', async () => {
    releaseClock();
    const lead = await signedInBrowser(t.app, 'teamlead@mercia.example');
    await requester.get('/requests/new/IT-FAULT');
    const raised = await requester.post('/requests/new/IT-FAULT', {
      subject: 'Monitor flickers',
      'answer-what_is_affected': 'Monitor',
      'answer-what_happened': 'It flickers after lunch',
      priority: 'low',
    });
    expect(raised.statusCode).toBe(303);
    const href = (raised.headers.location as string).replace(/\/raised$/, '');
    let page = await lead.get(href);
    const bethan = /<option value="([0-9a-f-]{36})"[^>]*>Bethan Price<\/option>/.exec(page.body)?.[1];
    expect(bethan).toBeDefined();
    let done = await lead.post(`${href}/assign`, { version: versionOf(page.body), assignee: bethan! });
    expect(done.statusCode, done.body.slice(0, 300)).toBe(303);
    page = await lead.get(href);
    const team = /<select[^>]*id="move-team"[\s\S]*?<option value="([0-9a-f-]{36})"/.exec(page.body)?.[1];
    expect(team).toBeDefined();
    done = await lead.post(`${href}/move`, { version: versionOf(page.body), team: team! });
    expect(done.statusCode).toBe(303);
    page = await lead.get(href);
    const noReason = await lead.post(`${href}/change-priority`, {
      version: versionOf(page.body),
      priority: 'high',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    expect(summaryOf(noReason.body)).toEqual(['Give a reason']);
    done = await lead.post(`${href}/change-priority`, {
      version: versionOf(page.body),
      priority: 'high',
      reason: 'Used for the council meeting',
    });
    expect(done.statusCode).toBe(303);
    const text = textOf((await lead.get(href)).body);
    expect(text).toContain('Assigned to Bethan Price');
    expect(text).toContain('Priority changed from Low to High');
    expect(text).toContain('Reason: Used for the council meeting');
  });
});

describe('the agents’ queue', () => {
  it('filters by GET parameters, pages by cursor, and assigns in bulk', async () => {
    releaseClock();
    const first = await agent.get('/queue');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('class="moj-filter"');
    const next = /href="(\/queue\?cursor=[^"]+)"[^>]*rel="next"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await agent.get(next!.replace(/&amp;/g, '&'));
    expect(second.statusCode).toBe(200);
    expect(second.body).toMatch(/rel="prev"/);

    const ids = [...first.body.matchAll(/name="requests" type="checkbox" value="([0-9a-f-]{36})"/g)]
      .slice(0, 2)
      .map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    const none = await agent.post('/queue/assign', { assignee: '', back: '/queue' });
    expect(none.statusCode).toBe(400);
    expect(summaryOf(none.body)).toContain('Choose at least one request');
    const me = /<option value="([0-9a-f-]{36})">Bethan Price<\/option>/.exec(first.body)?.[1];
    const assigned = await agent.post('/queue/assign', { requests: ids, assignee: me!, back: '/queue' });
    expect(assigned.statusCode).toBe(200);
    expect(textOf(assigned.body)).toContain('2 changed');
    const team = /<select[^>]*id="bulk-team"[\s\S]*?<option value="([0-9a-f-]{36})"/.exec(first.body)?.[1];
    const moved = await agent.post('/queue/move', { requests: ids, team: team!, back: '/queue' });
    expect(moved.statusCode).toBe(200);
    expect(textOf(moved.body)).toMatch(/[012] changed|None of the requests/);

    const filtered = await agent.get('/queue?sla=breached&assignee=none');
    expect(filtered.statusCode).toBe(200);
    expect(textOf(filtered.body)).toContain('Service level: Overdue');
    expect(filtered.body).toContain('href="/queue?assignee=none"');
  });

  it('is not for partners', async () => {
    expect((await requester.get('/queue')).statusCode).toBe(403);
  });
});

describe('navigation and home', () => {
  it('leads each person to the requests pages of their role', async () => {
    const home = textOf((await requester.get('/')).body);
    expect(home).toContain('Raise a request');
    expect(home).toContain('Your requests');
    expect(textOf((await manager.get('/')).body)).toContain('Approvals');
    expect(textOf((await agent.get('/')).body)).toContain('Queue');
  });
});
