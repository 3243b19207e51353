import type { FastifyInstance } from 'fastify';
import { isPlatformAdmin, scopeOf } from '../../platform/auth/index.js';
import { readInScope, type Database } from '../../platform/db/index.js';
import { forbidden } from '../../platform/errors.js';
import { signedIn, translate } from '../../platform/web/index.js';
import { outboxPageRepository, type OutboxPosition } from './notifications.repository.js';

export interface NotificationsRoutesOptions {
  db: Database;
  /** Whether an SMTP server is configured; without one, messages are held. */
  sending: boolean;
}

const PAGE_SIZE = 50;
/** A message's id in a page link: a positive whole number that a bigint holds. */
const ID = /^[1-9][0-9]{0,17}$/;

function positionOf(query: Record<string, unknown>): OutboxPosition {
  if (typeof query.before === 'string' && ID.test(query.before)) return { before: query.before };
  if (typeof query.after === 'string' && ID.test(query.after)) return { after: query.after };
  return {};
}

export async function notificationsRoutes(app: FastifyInstance, options: NotificationsRoutesOptions) {
  // The outbox, for platform administrators (row level security shows it to no one else either).
  app.get('/admin/outbox', async (request, reply) => {
    const principal = signedIn(request);
    if (!isPlatformAdmin(principal)) throw forbidden();
    const position = positionOf(request.query as Record<string, unknown>);
    const page = await readInScope(options.db, scopeOf(principal), (tx) =>
      outboxPageRepository.page(tx, position, PAGE_SIZE),
    );
    const moved = 'before' in position || 'after' in position;
    return reply.page('notifications/views/outbox.njk', {
      title: translate('notifications.outbox.title'),
      entries: page.entries,
      held: !options.sending,
      newerHref: page.newerFrom
        ? `/admin/outbox?after=${page.newerFrom}`
        : moved
          ? '/admin/outbox'
          : undefined,
      olderHref: page.olderFrom ? `/admin/outbox?before=${page.olderFrom}` : undefined,
    });
  });
}
