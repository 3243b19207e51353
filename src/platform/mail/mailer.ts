import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { inScope, type Database, type Scope } from '../db/index.js';
import type { Jobs } from '../jobs/index.js';
import { messageIdFor, outboxRepository as outbox, type ClaimedMail } from './outbox.js';
import { senderDomainOf, smtpServerOf, type MailSettings } from './settings.js';

/**
 * The sender reads and updates every organisation's outbox rows, which row level security shows
 * only to platform administrators. It acts as the platform itself: a unit of work with the platform
 * administrator's scope and no user. (A SECURITY DEFINER function would not do better: with row
 * level security forced, policies bind the tables' owner too, so it would need the same exemption,
 * and it would put the sender's SQL beyond the unit of work.) The sender touches only the outbox.
 */
const SENDER_SCOPE: Scope = { orgIds: [], platformAdmin: true };

/** The job queue the sender works. */
export const DISPATCH_QUEUE = 'mail.dispatch';

export interface MailerOptions {
  /** How long a claim lasts; a sender that stops mid-way holds its messages this long. 300 s unless given. */
  leaseSeconds?: number;
  /** Messages claimed at once. 20 unless given. */
  batchSize?: number;
  /** Attempts before a message is given up on. 10 unless given (about 4½ hours with the default back-off). */
  maxAttempts?: number;
  /** Delay after a first failure, doubling after each further one up to `maxRetryDelayMs`. 30 s unless given. */
  firstRetryDelayMs?: number;
  /** 1 hour unless given. */
  maxRetryDelayMs?: number;
  /** How long to wait for the SMTP server to connect, greet and answer. 30 s unless given. */
  smtpTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

export interface DispatchResult {
  sent: number;
  /** Attempts that failed (to be retried, or given up on). */
  failed: number;
  /** Messages newly held for want of an SMTP server. */
  held: number;
}

export interface Mailer {
  /** Whether an SMTP server is configured; without one, messages are held. */
  readonly sending: boolean;
  /** Sends the messages due now, one claimed batch after another; what the mail job runs. */
  dispatchDue(): Promise<DispatchResult>;
  /**
   * Asks for a dispatch now rather than at the next minute's timer: call it after the unit of work
   * that queued mail has committed. Needs jobs to have been started to take effect.
   */
  dispatchSoon(): Promise<void>;
  /** Works the mail queue with `jobs`, and sends what is due every minute. Before or after jobs start. */
  register(jobs: Jobs): Promise<void>;
  /**
   * Stops sending: the message in hand is finished and recorded, the rest of the claimed batch is
   * given back for the next sender. Then dispatching does nothing.
   */
  stop(): Promise<void>;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

/** A permanent refusal (5xx): sending again would be refused again. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describe(error: unknown): string {
  return (
    (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim() || 'unknown error'
  );
}

export function createMailer(db: Database, settings: MailSettings, options: MailerOptions = {}): Mailer {
  const leaseSeconds = options.leaseSeconds ?? 300;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 10;
  const firstDelay = options.firstRetryDelayMs ?? 30_000;
  const maxDelay = options.maxRetryDelayMs ?? 3_600_000;
  const timeout = options.smtpTimeoutMs ?? 30_000;
  const domain = senderDomainOf(settings.from);
  const server = settings.smtpUrl ? smtpServerOf(settings.smtpUrl) : undefined;
  const report = options.onError ?? (() => {});
  let jobs: Jobs | undefined;
  let stopping = false;
  let running: Promise<DispatchResult> | undefined;

  const delayAfter = (attempts: number) => Math.min(maxDelay, firstDelay * 2 ** Math.max(0, attempts - 1));

  /** One connection for a batch (closed after it), so that nothing is left open between batches. */
  const openTransport = (): Transport =>
    nodemailer.createTransport({
      ...server!,
      pool: true,
      maxConnections: 1,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });

  async function sendOne(transport: Transport, mail: ClaimedMail, claim: string): Promise<'sent' | 'failed'> {
    const messageId = messageIdFor(mail.orgId, mail.eventKey, domain);
    let response: string;
    try {
      const info = (await transport.sendMail({
        from: settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId,
        // Tells auto-responders (out of office) not to answer (RFC 3834).
        headers: { 'Auto-Submitted': 'auto-generated' },
      })) as { response?: unknown };
      response = typeof info.response === 'string' ? info.response : '';
    } catch (error) {
      const status = await inScope(db, SENDER_SCOPE, (tx) =>
        outbox.markFailed(tx, {
          id: mail.id,
          claim,
          messageId,
          error: describe(error),
          permanent: isPermanent(error),
          delayMs: delayAfter(mail.attempts),
          maxAttempts,
        }),
      );
      if (status === 'failed') report(new Error(`mail ${mail.id} given up on: ${describe(error)}`));
      return 'failed';
    }
    const recorded = await inScope(db, SENDER_SCOPE, (tx) =>
      outbox.markSent(tx, mail.id, claim, messageId, response),
    );
    if (!recorded)
      report(new Error(`mail ${mail.id} was sent after its claim ran out; it may be sent twice`));
    return 'sent';
  }

  async function dispatch(): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, failed: 0, held: 0 };
    if (!server) {
      result.held = await inScope(db, SENDER_SCOPE, (tx) => outbox.holdPending(tx));
      return result;
    }
    while (!stopping) {
      const claim = randomUUID();
      const batch = await inScope(db, SENDER_SCOPE, (tx) => outbox.claim(tx, claim, batchSize, leaseSeconds));
      if (batch.length === 0) break;
      const transport = openTransport();
      try {
        for (const [index, mail] of batch.entries()) {
          if (stopping) {
            const rest = batch.slice(index).map((unsent) => unsent.id);
            await inScope(db, SENDER_SCOPE, (tx) => outbox.release(tx, claim, rest));
            break;
          }
          result[await sendOne(transport, mail, claim)]++;
        }
      } finally {
        transport.close();
      }
      if (batch.length < batchSize) break;
    }
    return result;
  }

  const mailer: Mailer = {
    sending: server !== undefined,
    dispatchDue() {
      if (stopping) return Promise.resolve({ sent: 0, failed: 0, held: 0 });
      // One dispatch at a time in a process; others (here or elsewhere) are kept apart by claims.
      const next = (running ?? Promise.resolve()).catch(() => {}).then(dispatch);
      running = next;
      return next;
    },
    async dispatchSoon() {
      // One waiting dispatch is enough: a key already waiting adds nothing.
      await jobs?.send(DISPATCH_QUEUE, {}, { singletonKey: 'soon', retryLimit: 0 });
    },
    async register(to) {
      jobs = to;
      await to.work(DISPATCH_QUEUE, async () => {
        await mailer.dispatchDue();
      });
      await to.schedule(DISPATCH_QUEUE, '* * * * *');
    },
    async stop() {
      stopping = true;
      await running?.catch(() => {});
    },
  };
  return mailer;
}
