/**
 * What the requests pages show, in words: statuses and clock states as GOV.UK tags, SLA clocks as
 * sentences, the timeline as MOJ timeline items. Pure functions of what the service returns.
 */
import type { Principal } from '../../../platform/auth/index.js';
import { hasRole } from '../../../platform/auth/index.js';
import {
  formatDate,
  formatDateTime,
  formatTime,
  formatWorkingMinutes,
  translate,
  translatePlural,
} from '../../../platform/web/index.js';
import type { ClockState } from '../../../kernel/sla-clock.js';
import type { ClockJson, SlaJson } from '../clocks/sla-json.js';
import type { NoteEntry, RequestView, TimelineEntry } from '../reading/request-view.js';
import type { RequestStatus } from '../request.js';

const P = (key: string, params?: Record<string, string | number>) =>
  translate(`requests.pages.${key}`, params);

export interface Tag {
  text: string;
  classes: string;
}

const STATUS_COLOURS: Record<RequestStatus, string> = {
  submitted: 'govuk-tag--grey',
  awaiting_approval: 'govuk-tag--yellow',
  open: 'govuk-tag--light-blue',
  in_progress: 'govuk-tag--blue',
  awaiting_requester: 'govuk-tag--orange',
  awaiting_third_party: 'govuk-tag--purple',
  on_hold: 'govuk-tag--grey',
  resolved: 'govuk-tag--green',
  closed: 'govuk-tag--grey',
  rejected: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
};

const CLOCK_COLOURS: Record<ClockState, string> = {
  on_track: 'govuk-tag--green',
  warning: 'govuk-tag--yellow',
  breached: 'govuk-tag--red',
  paused: 'govuk-tag--grey',
  met: 'govuk-tag--teal',
};

/**
 * A status in words. The requester reads "Waiting for you" where the request waits for them; anyone
 * else (their manager, the service centre) reads who it waits for.
 */
export function statusText(status: string, reader: 'requester' | 'other'): string {
  if (status === 'awaiting_requester' && reader === 'other')
    return translate('requests.staffStatuses.awaiting_requester');
  return translate(`requests.statuses.${status}`);
}

export function statusTag(status: RequestStatus, reader: 'requester' | 'other'): Tag {
  return { text: statusText(status, reader), classes: STATUS_COLOURS[status] ?? 'govuk-tag--grey' };
}

export function clockTag(state: ClockState): Tag {
  return { text: translate(`requests.clockStates.${state}`), classes: CLOCK_COLOURS[state] };
}

/** How a person reads a request's waiting status: as its requester, or as someone else. */
export function readerOf(principal: Principal, requesterName?: string | null): 'requester' | 'other' {
  if (principal.org.role === 'host') return 'other';
  if (hasRole(principal, 'partner_manager'))
    return requesterName !== undefined && requesterName === principal.name ? 'requester' : 'other';
  return 'requester';
}

export function priorityText(priority: string): string {
  return translate(`requests.priorities.${priority}`);
}

/** A span of wall-clock time, roughly, for "breached 2 hours ago": minutes, hours, then days. */
export function agoText(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return translatePlural('format.minutes', whole);
  const hours = Math.floor(whole / 60);
  if (hours < 48) return translatePlural('format.hours', hours);
  return translatePlural('requests.pages.sla.days', Math.floor(hours / 24));
}

/** One clock in a sentence: when it is due, how long ago it breached, how long is left while paused. */
export function clockSentence(name: 'response' | 'resolution', clock: ClockJson, now: Date): string {
  const label = translate(`requests.clocks.${name}`);
  if (clock.state === 'breached') {
    const at = clock.breachedAt ?? clock.due;
    const ago = at ? (now.getTime() - new Date(at).getTime()) / 60_000 : 0;
    return ago < 1
      ? P('sla.breachedNow', { clock: label })
      : P('sla.breachedAgo', { clock: label, ago: agoText(ago) });
  }
  if (clock.state === 'paused')
    return P('sla.paused', { clock: label, left: formatWorkingMinutes(clock.remaining) });
  if (clock.state === 'met' && clock.stoppedAt)
    return P('sla.metAt', {
      clock: label,
      date: formatDate(clock.stoppedAt),
      time: formatTime(clock.stoppedAt),
    });
  if (clock.due)
    return P('sla.dueBy', { clock: label, time: formatTime(clock.due), date: formatDate(clock.due) });
  return P('sla.stopped', { clock: label });
}

export interface ClockRow {
  name: string;
  sentence: string;
  tag: Tag;
}

export function clockRows(sla: SlaJson, now: Date): ClockRow[] {
  return (['response', 'resolution'] as const).map((name) => ({
    name: translate(`requests.clocks.${name}`),
    sentence: clockSentence(name, sla[name], now),
    tag: clockTag(sla[name].state),
  }));
}

/** A list row's due column: the stored due instant, or "Paused" and such. */
export function dueText(due: Date | null, state: ClockState): string {
  if (state === 'paused') return translate('requests.clockStates.paused');
  return due ? formatDateTime(due) : P('list.noDue');
}

export interface TimelineItem {
  at: Date;
  title: string;
  byline: string | null;
  text: string | null;
  reason: string | null;
  internal: boolean;
}

function byline(entry: TimelineEntry, staff: boolean): string {
  if (entry.actor.kind === 'agent')
    return staff && entry.actor.name ? entry.actor.name : P('timeline.centre');
  if (entry.actor.kind === 'system') return translate('requests.actors.system');
  return entry.actor.name ?? translate(`requests.actors.${entry.actor.kind}`);
}

function publicItem(entry: TimelineEntry, staff: boolean, reader: 'requester' | 'other'): TimelineItem {
  const words = (status: string | null) => (status ? statusText(status, reader) : '');
  const title =
    entry.kind === 'submitted'
      ? P('timeline.raised')
      : entry.kind === 'status'
        ? entry.from
          ? P('timeline.statusFrom', { from: words(entry.from), to: words(entry.to) })
          : P('timeline.status', { to: words(entry.to) })
        : entry.kind === 'priority'
          ? P('timeline.priority', {
              from: entry.from ? priorityText(entry.from) : '',
              to: entry.to ? priorityText(entry.to) : '',
            })
          : entry.kind === 'reply'
            ? P('timeline.reply')
            : P('timeline.attachment');
  return {
    at: entry.at,
    title,
    byline: byline(entry, staff),
    text: entry.body,
    reason: entry.reason,
    internal: false,
  };
}

function noteItem(note: NoteEntry): TimelineItem {
  const title =
    note.kind === 'note'
      ? P('timeline.note')
      : note.kind === 'assignment'
        ? note.to
          ? P('timeline.assignment', { to: note.to })
          : P('timeline.unassigned')
        : P('timeline.team', { to: note.to ?? P('request.noTeam') });
  return {
    at: note.at,
    title,
    byline: note.actor?.name ?? null,
    text: note.body,
    reason: null,
    internal: true,
  };
}

/**
 * The history, newest first: the public timeline, and for the service centre its internal notes
 * and changes merged in by time, each marked as internal.
 */
export function timelineItems(view: RequestView, reader: 'requester' | 'other'): TimelineItem[] {
  const staff = view.internal !== undefined;
  const items = view.timeline.map((entry) => publicItem(entry, staff, reader));
  if (view.internal) items.push(...view.internal.notes.map(noteItem));
  return items.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** An answer as people read it. */
export function answerText(value: unknown): string {
  if (value === true) return translate('common.yes');
  if (value === false) return translate('common.no');
  if (Array.isArray(value)) return translatePlural('requests.pages.request.files', value.length);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  return String(value);
}
