import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/index.js';
import { createJobs, type Jobs } from '../../platform/jobs/index.js';
import { createMailer, type Mailer, type MailSettings } from '../../platform/mail/index.js';
// The module's words register themselves when loaded.
import './notifications.messages.js';
import { notificationsRoutes } from './notifications.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The job queue: modules register their workers and timers here (see platform/jobs). */
    jobs: Jobs;
    /** The e-mail sender: `dispatchSoon()` after a unit of work that queued mail has committed. */
    mailer: Mailer;
  }
}

export interface NotificationsOptions {
  db: Database;
  config: { mail: MailSettings };
}

/**
 * Notifications: the job queue and the e-mail sender, running in this process while it serves, and
 * the outbox page for platform administrators. Jobs start once the server listens (after the
 * migrations have run) and stop when it closes, before the database does; tests that never listen
 * start none. Register before the modules that use `app.jobs` or `app.mailer`.
 */
export const notifications = fp(
  async (app: FastifyInstance, { db, config }: NotificationsOptions) => {
    const jobs = createJobs(db, { onError: (error) => app.log.error({ err: error }, 'a job failed to run') });
    const mailer = createMailer(db, config.mail, {
      onError: (error) => app.log.warn({ err: error }, 'an email could not be sent'),
    });
    await mailer.register(jobs);
    app.decorate('jobs', jobs);
    app.decorate('mailer', mailer);

    await app.register(notificationsRoutes, { db, sending: mailer.sending });

    app.addHook('onListen', async () => {
      try {
        await jobs.start();
        app.log.info(
          mailer.sending
            ? 'jobs running; e-mail goes through the SMTP server'
            : 'jobs running; e-mail is held in the outbox (no TANDEM_SMTP_URL)',
        );
      } catch (error) {
        // The pages still serve; what needs jobs waits until a restart that can start them.
        app.log.error({ err: error }, 'jobs could not start: e-mail and timers are not running');
      }
    });
    app.addHook('onClose', async () => {
      await mailer.stop();
      await jobs.stop();
    });
  },
  { name: 'notifications' },
);

export { notificationsRoutes } from './notifications.routes.js';
