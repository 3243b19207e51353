import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { RequestsService } from '../requests.service.js';
import { takeMailSignal } from './dispatch.js';

export { raisedMail, notifyChange, notifyClockChanges } from './notify.js';
export { requestMailMessages } from './notifications.messages.js';

/** The job queues of requests. */
export const REQUEST_QUEUES = {
  /** Every minute: stored clocks whose next change has come (warning, breach), with their e-mails. */
  clocks: 'requests.clocks',
  /** Hourly: resolved requests past the reopening window are closed. */
  autoClose: 'requests.auto-close',
  /** Daily: uploads never used, and bytes no file names. */
  attachmentsSweep: 'requests.attachments-sweep',
} as const;

export interface RequestJobsOptions {
  requests: Pick<RequestsService, 'refreshDueClocks' | 'closeConfirmedRequests'>;
  /** The clean-up of attachments, if they are stored. */
  sweepAttachments?: () => Promise<unknown>;
}

/** Asks for a dispatch at most once a second, and once more after a busy second. */
function throttled(run: () => Promise<void>, onError: (error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  return {
    soon() {
      if (timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          run().catch(onError);
        },
        Math.max(0, last + 1_000 - Date.now()),
      );
      timer.unref();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * The requests' timers, worked by `app.jobs`: clocks flipped on track → warning → breached as time
 * passes (and the e-mails that tells of, in the same unit of work), resolved requests closed after
 * the reopening window, and the attachments' clean-up. Also sends mail queued by a request's change
 * once the route has answered. Register after `notifications`, which gives `app.jobs` and `app.mailer`.
 */
export const requestJobs = fp(
  async (app: FastifyInstance, { requests, sweepAttachments }: RequestJobsOptions) => {
    const dispatch = throttled(
      () => app.mailer.dispatchSoon(),
      (error) => app.log.warn({ err: error }, 'could not ask for e-mail to be sent'),
    );
    const afterJob = () => {
      if (takeMailSignal()) dispatch.soon();
    };

    await app.jobs.work(REQUEST_QUEUES.clocks, async () => {
      await requests.refreshDueClocks();
      afterJob();
    });
    await app.jobs.schedule(REQUEST_QUEUES.clocks, '* * * * *');
    await app.jobs.work(REQUEST_QUEUES.autoClose, async () => {
      await requests.closeConfirmedRequests();
      afterJob();
    });
    await app.jobs.schedule(REQUEST_QUEUES.autoClose, '7 * * * *');
    if (sweepAttachments) {
      await app.jobs.work(REQUEST_QUEUES.attachmentsSweep, async () => {
        await sweepAttachments();
      });
      await app.jobs.schedule(REQUEST_QUEUES.attachmentsSweep, '23 3 * * *');
    }

    app.addHook('onResponse', async () => {
      if (takeMailSignal()) dispatch.soon();
    });
    app.addHook('onClose', async () => dispatch.stop());
  },
  { name: 'request-jobs', dependencies: ['notifications'] },
);
