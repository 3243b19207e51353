import type { LightMyRequestResponse } from 'fastify';
import { setFixedNow } from '../../src/platform/clock.js';
import { apiCall, apiTokenFor, type TestApp } from './app.js';

/** The demo's people the requests tests act as, each with an API token in the organisation they act in. */
export const REQUEST_PEOPLE = {
  wdcRequester: ['requester@wyvern.example', 'WDC'],
  wdcManager: ['manager@wyvern.example', 'WDC'],
  mfrsRequester: ['requester@merciafire.example', 'MFRS'],
  mfrsManager: ['manager@merciafire.example', 'MFRS'],
  chsRequester: ['shared.officer@mercia.example', 'MCC-CHS'],
  agent: ['agent@mercia.example', 'MCC'],
  teamLead: ['teamlead@mercia.example', 'MCC'],
  sharedAgent: ['shared.officer@mercia.example', 'MCC'],
  serviceManager: ['service.manager@mercia.example', 'MCC'],
  admin: ['admin@mercia.example', 'MCC'],
  finance: ['finance@mercia.example', 'MCC'],
} as const;
export type RequestPerson = keyof typeof REQUEST_PEOPLE;

export type Tokens = Record<RequestPerson, string>;

export async function requestTokens(t: TestApp): Promise<Tokens> {
  const entries = await Promise.all(
    Object.entries(REQUEST_PEOPLE).map(async ([who, [email, org]]) => [
      who,
      await apiTokenFor(t.db, email, org),
    ]),
  );
  return Object.fromEntries(entries) as Tokens;
}

/** Calls the API as someone; `headers` for If-Match and Idempotency-Key. */
export function as(t: TestApp, token: string) {
  return {
    get: (url: string) => apiCall(t.app, token, 'GET', `/api/v1${url}`),
    post: (url: string, body?: unknown, headers: Record<string, string> = {}) =>
      apiCall(t.app, token, 'POST', `/api/v1${url}`, body, headers),
  };
}

/** Fixes Tandem's clock at an instant (ISO), for the rules that depend on the time. */
export function clockAt(iso: string): Date {
  const instant = new Date(iso);
  setFixedNow(instant);
  return instant;
}

export function releaseClock(): void {
  setFixedNow(undefined);
}

/** A response body, read loosely: tests check its fields one by one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

/** The JSON of a response that must have the status given; says what came instead. */
export function expectStatus(response: LightMyRequestResponse, status: number): Body {
  if (response.statusCode !== status)
    throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body.slice(0, 600)}`);
  return response.body ? response.json<Body>() : {};
}

export const LAPTOP = {
  offering: 'IT-LAPTOP',
  subject: 'A laptop for a new officer',
  answers: { for_whom: 'Priya Patel', reason: 'New post' },
};
export const FAULT = {
  offering: 'IT-FAULT',
  subject: 'The printer on floor 2 is jammed',
  answers: { what_is_affected: 'Printer', what_happened: 'It jams on every page' },
};
