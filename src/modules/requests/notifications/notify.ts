/**
 * Who hears of what happens to a request, by e-mail. Each function runs in the unit of work of the
 * change it tells of and writes to the outbox there (`queueMail`): a change that rolls back sends
 * nothing, and every message has an event key naming the change and its recipient, so a change
 * replayed or a job run twice queues nothing more.
 */
import { sql } from 'kysely';
import type { Caller } from '../../../platform/auth/index.js';
import type { Tx } from '../../../platform/db/index.js';
import { MAIL_BLANK, queueMail, type OutgoingMail } from '../../../platform/mail/index.js';
import { formatDateTime, translate } from '../../../platform/web/index.js';
import type { ClockChange } from '../clocks/refresh.js';
import type { LockedRequest } from '../requests.repository.js';
import type { RequestRecord } from '../request.js';
import type { Decision } from '../workflow/change.js';
import { signalMailQueued } from './dispatch.js';
import './notifications.messages.js';

type Mail = 'received' | 'reply' | 'informationNeeded' | 'resolved' | 'assigned' | 'warning' | 'breached';

const words = (mail: Mail, part: 'subject' | 'body', values: Record<string, string>) =>
  translate(`requestMail.${mail}.${part}`, values);

/** A message as queued: its words in the recipient's language, one line of subject. */
function mailOf(
  mail: Mail,
  message: { orgId: string; to: string; eventKey: string; values: Record<string, string> },
  subjectLength = 300,
): OutgoingMail {
  return {
    orgId: message.orgId,
    to: message.to,
    subject: words(mail, 'subject', message.values)
      .replace(/[\r\n]+/g, ' ')
      .slice(0, subjectLength),
    text: `${words(mail, 'body', message.values)}\n\n${translate('requestMail.signOff')}\n`,
    eventKey: message.eventKey,
  };
}

async function send(
  tx: Tx,
  mail: Mail,
  message: { orgId: string; to: string | null; eventKey: string; values: Record<string, string> },
): Promise<void> {
  if (!message.to) return;
  const queued = await queueMail(tx, mailOf(mail, { ...message, to: message.to }));
  if (queued) signalMailQueued();
}

/**
 * What the requester hears when their request arrives, for `raise` to queue in the statement that
 * adds the request (`queueMailWith`): the reference, numbered there, is its blank (MAIL_BLANK).
 * None without an address.
 */
export function raisedMail(
  request: Pick<RequestRecord, 'id' | 'orgId' | 'subject' | 'requesterEmail' | 'requesterUserId'>,
): OutgoingMail | undefined {
  if (!request.requesterEmail) return undefined;
  return mailOf(
    'received',
    {
      orgId: request.orgId,
      to: request.requesterEmail,
      eventKey: `request:${request.id}:received:${request.requesterUserId ?? 'requester'}`,
      values: { reference: MAIL_BLANK, subject: request.subject },
    },
    260,
  );
}

/** The e-mail address and name of one of the service centre's people, as the unit of work may read them. */
async function person(tx: Tx, userId: string): Promise<{ email: string; name: string } | undefined> {
  const { rows } = await sql<{ email: string; name: string }>`
    select email, name from users where id = ${userId} and disabled_at is null`.execute(tx);
  return rows[0];
}

/**
 * What the people of a request hear of a change to it: the requester of the service centre's
 * public replies, of a request for more information (waiting for them), and of resolution; an
 * agent of a request assigned to them by someone else. Called by `applyDecision`, in its unit of work.
 */
export async function notifyChange(
  tx: Tx,
  caller: Caller | null,
  locked: LockedRequest,
  decision: Decision,
): Promise<void> {
  const { record } = locked;
  // The organisation the change was made in: the unit of work may write only its mail.
  const orgId = caller ? caller.principal.org.orgId : record.hostOrgId;
  const version = record.version + 1;
  const events = decision.events ?? [];
  const values = { reference: record.reference, subject: record.subject };
  const key = (what: string, who: string) => `request:${record.id}:v${version}:${what}:${who}`;
  const requester = record.requesterUserId ?? 'requester';

  const reply = events.find((event) => event.kind === 'reply' && event.byHost);
  const asked = events.find(
    (event) => event.kind === 'status' && event.to === 'awaiting_requester' && event.byHost,
  );
  const resolved = events.find((event) => event.kind === 'status' && event.to === 'resolved');
  if (asked) {
    await send(tx, 'informationNeeded', {
      orgId,
      to: record.requesterEmail,
      eventKey: key('information-needed', requester),
      values: { ...values, text: reply?.body ?? asked.reason ?? '' },
    });
  } else if (reply) {
    await send(tx, 'reply', {
      orgId,
      to: record.requesterEmail,
      eventKey: key('reply', requester),
      values: { ...values, text: reply.body ?? '' },
    });
  }
  if (resolved) {
    await send(tx, 'resolved', {
      orgId,
      to: record.requesterEmail,
      eventKey: key('resolved', requester),
      values: { ...values, text: resolved.body ?? '' },
    });
  }

  const assignee = decision.work?.assigneeUserId ?? null;
  if (assignee && assignee !== locked.work.assigneeUserId && assignee !== caller?.principal.userId) {
    const who = await person(tx, assignee);
    await send(tx, 'assigned', {
      orgId,
      to: who?.email ?? null,
      eventKey: key('assigned', assignee),
      values,
    });
  }
}

interface Recipient {
  id: string;
  version: number;
  reference: string;
  subject: string;
  host_org_id: string;
  user_id: string;
  email: string;
  response_due_at: Date | null;
  resolution_due_at: Date | null;
}

/**
 * The service centre hears of clocks that time alone moved to warning or breached: the request's
 * assignee, or with no assignee the leads of its team. Called by the clock job in the unit of work
 * that stores the new states, so a run that fails sends nothing and a second run, finding nothing
 * changed, sends nothing again.
 */
export async function notifyClockChanges(tx: Tx, changes: readonly ClockChange[]): Promise<void> {
  const worth = changes.filter((change) => change.to === 'warning' || change.to === 'breached');
  if (worth.length === 0) return;
  const { rows } = await sql<Recipient>`
    select r.id, r.version, r.reference, r.subject, r.host_org_id, u.id as user_id, u.email,
           r.response_due_at, r.resolution_due_at
      from requests r
      join request_work w on w.request_id = r.id
      join users u on u.disabled_at is null and (
             u.id = w.assignee_user_id
             or (w.assignee_user_id is null and u.id in (
                   select m.user_id from service_line_team_members m where m.team_id = w.team_id and m.role = 'lead')))
     where r.id = any(${[...new Set(worth.map((change) => change.requestId))]}::uuid[])
     order by r.id, u.id`.execute(tx);
  for (const change of worth) {
    for (const recipient of rows.filter((row) => row.id === change.requestId)) {
      const due = change.clock === 'response' ? recipient.response_due_at : recipient.resolution_due_at;
      await send(tx, change.to === 'warning' ? 'warning' : 'breached', {
        orgId: recipient.host_org_id,
        to: recipient.email,
        eventKey: `request:${change.requestId}:v${recipient.version}:${change.clock}-${change.to}:${recipient.user_id}`,
        values: {
          reference: recipient.reference,
          subject: recipient.subject,
          clock: translate(`requestMail.clocks.${change.clock}`),
          due: due ? formatDateTime(due) : translate('requestMail.noDue'),
        },
      });
    }
  }
}
