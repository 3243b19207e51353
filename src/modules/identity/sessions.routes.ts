import type { FastifyInstance } from 'fastify';
import { callerOf, translate, webCookies } from '../../platform/web/index.js';
import { describeBrowser } from './browsers.js';
import type { IdentityService } from './identity.service.js';

export interface SessionsRoutesOptions {
  identity: IdentityService;
  secureCookies: boolean;
}

/** How a session's browser reads on the page: "Firefox on Windows", or as much of it as is known. */
function browserOf(userAgent: string | null): string {
  const { browser, system } = describeBrowser(userAgent);
  if (browser && system) return translate('identity.sessions.browserOnSystem', { browser, system });
  return browser ?? system ?? translate('identity.sessions.unknownBrowser');
}

/** A person's own sessions: where they are signed in, and a way to end any of them. */
export async function sessionsRoutes(app: FastifyInstance, options: SessionsRoutesOptions) {
  const { identity } = options;

  app.get('/account/sessions', async (request, reply) => {
    const sessions = await identity.listSessions(callerOf(request));
    const query = request.query as Record<string, string | undefined>;
    return reply.page('identity/views/sessions.njk', {
      title: translate('identity.sessions.title'),
      sessions: sessions.map((session) => ({
        id: session.id,
        signedInAt: session.created_at,
        lastActiveAt: session.last_seen_at,
        browser: browserOf(session.user_agent),
        current: session.current,
      })),
      notice: query.ended ? translate('identity.sessions.ended') : undefined,
    });
  });

  app.post('/account/sessions/:id/end', async (request, reply) => {
    const { id } = request.params as { id: string };
    const { current } = await identity.endSession(callerOf(request), id);
    if (!current) return reply.redirect('/account/sessions?ended=1', 303);
    const cookies = webCookies(request, options.secureCookies);
    reply.clearCookie(cookies.session, cookies.options);
    return reply.redirect('/sign-in?signedOut=1', 303);
  });
}
