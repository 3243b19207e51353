import type { FastifyInstance } from 'fastify';
import { hasRole, HOST_ONLY_ROLES, ROLES } from '../../platform/auth/index.js';
import {
  webCookies,
  fieldErrorsOf,
  formBody,
  formErrors,
  safeNext,
  signedIn,
  startingPointsFor,
  translate,
  callerOf,
} from '../../platform/web/index.js';
import type { IdentityService } from './identity.service.js';
import { isUuid } from './identity.schemas.js';
import { notFound } from '../../platform/errors.js';
import { sessionsRoutes } from './sessions.routes.js';

export interface IdentityRoutesOptions {
  identity: IdentityService;
  secureCookies: boolean;
  /** Organisations a platform administrator can give roles in. */
  listOrganisations: (
    principal: import('../../platform/auth/index.js').Principal,
  ) => Promise<Array<{ id: string; code: string; name: string }>>;
}

const USER_FIELDS = ['name', 'email', 'password'];

export async function identityRoutes(app: FastifyInstance, options: IdentityRoutesOptions) {
  const { identity } = options;
  const ctx = callerOf;

  app.get('/sign-in', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    if (request.principal) return reply.redirect(safeNext(query.next), 303);
    return reply.page('identity/views/sign-in.njk', {
      title: translate('signIn.title'),
      next: safeNext(query.next),
      notice: query.signedOut ? translate('signIn.signedOut') : undefined,
    });
  });

  app.post('/sign-in', async (request, reply) => {
    const body = formBody(request);
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const errors: Record<string, string> = {};
    if (!email.trim()) errors.email = 'signIn.emailMissing';
    if (!password) errors.password = 'signIn.passwordMissing';
    let status = 400;
    if (Object.keys(errors).length === 0) {
      const result = await identity.signIn({
        email,
        password,
        clientAddress: request.ip,
        requestId: request.id,
        userAgent: request.headers['user-agent'],
      });
      if (result.ok) {
        const cookies = webCookies(request, options.secureCookies);
        reply.setCookie(cookies.session, result.sessionToken, cookies.options);
        // Forms from before sign-in (signed with the old pre-session value) stop working.
        app.rotateCsrf(request, reply);
        return reply.redirect(next, 303);
      }
      if (result.reason === 'throttled') {
        status = 429;
        errors.email = translate('signIn.throttled', { minutes: result.minutes ?? 15 });
      } else if (result.reason === 'no-memberships') {
        errors.email = 'signIn.noMemberships';
      } else {
        status = 401;
        errors.email = 'signIn.failed';
      }
    }
    const { errorList, fields } = formErrors(errors, ['email', 'password']);
    return reply.status(status).page('identity/views/sign-in.njk', {
      title: translate('signIn.title'),
      errorList,
      fields,
      values: { email },
      next,
    });
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.principal) await identity.signOut(ctx(request));
    const cookies = webCookies(request, options.secureCookies);
    reply.clearCookie(cookies.session, cookies.options);
    return reply.redirect('/sign-in?signedOut=1', 303);
  });

  app.post('/switch-organisation', async (request, reply) => {
    const body = formBody(request);
    await identity.switchOrganisation(ctx(request), typeof body.orgId === 'string' ? body.orgId : '');
    // Home, where what the person can do in that organisation starts, saying whom they now act for.
    return reply.redirect('/?switched=1', 303);
  });

  app.get('/', async (request, reply) => {
    const principal = signedIn(request);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('identity/views/home.njk', {
      title: translate('home.title', { organisation: principal.org.name }),
      roles: principal.org.roles,
      startingPoints: startingPointsFor(principal),
      // The name comes from the session, never the address: a shared link cannot claim a switch.
      notice: query.switched ? translate('org.switched', { organisation: principal.org.name }) : undefined,
    });
  });

  // Users and their roles: platform administrators.
  app.get('/users', async (request, reply) => {
    const users = await identity.listUsers(ctx(request));
    return reply.page('identity/views/users.njk', { title: translate('users.title'), users });
  });

  app.get('/users/new', async (request, reply) => {
    const principal = signedIn(request);
    if (!hasRole(principal, 'platform_administrator')) throw notFound();
    return reply.page('identity/views/user-new.njk', { title: translate('users.add'), values: {} });
  });

  app.post('/users', async (request, reply) => {
    const body = formBody(request);
    try {
      const user = await identity.addUser(ctx(request), body);
      return reply.redirect(`/users/${user.id}?added=1`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const { errorList, fields } = formErrors(errors, USER_FIELDS);
      return reply.status(400).page('identity/views/user-new.njk', {
        title: translate('users.add'),
        errorList,
        fields,
        values: { name: body.name, email: body.email },
      });
    }
  });

  const showUser = async (
    request: import('fastify').FastifyRequest,
    reply: import('fastify').FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw notFound('That user');
    const context = ctx(request);
    const user = await identity.getUser(context, id);
    const organisations = await options.listOrganisations(context.principal);
    const query = request.query as Record<string, string | undefined>;
    const notice = query.added
      ? 'users.created'
      : query.saved
        ? 'users.rolesSaved'
        : query.removed
          ? 'users.rolesRemoved'
          : query.disabled
            ? 'users.disabledNotice'
            : query.enabled
              ? 'users.enabledNotice'
              : undefined;
    return reply.status(status).page('identity/views/user.njk', {
      title: user.name,
      user,
      organisations,
      allRoles: ROLES,
      hostOnlyRoles: HOST_ONLY_ROLES,
      notice: notice && translate(notice),
      ...extra,
    });
  };

  app.get('/users/:id', (request, reply) => showUser(request, reply));

  app.post('/users/:id/roles', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw notFound('That user');
    const body = formBody(request);
    try {
      const done = await identity.setRoles(ctx(request), id, { orgId: body.orgId, roles: body.roles });
      return reply.redirect(`/users/${id}?${done === 'removed' ? 'removed' : 'saved'}=1`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const { errorList, fields } = formErrors(errors, ['orgId', 'roles'], { roles: 'roles' });
      return showUser(request, reply, { errorList, fields, values: { orgId: body.orgId } }, 400);
    }
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/users/:id/${action}`, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) throw notFound('That user');
      try {
        await identity.setDisabled(ctx(request), id, disabled);
      } catch (error) {
        const errors = fieldErrorsOf(error);
        if (!errors) throw error;
        const { errorList, fields } = formErrors(errors, ['status'], { status: 'status-button' });
        return showUser(request, reply, { errorList, fields }, 400);
      }
      return reply.redirect(`/users/${id}?${disabled ? 'disabled' : 'enabled'}=1`, 303);
    });
  }

  // API tokens: each person's own.
  const showTokens = async (
    request: import('fastify').FastifyRequest,
    reply: import('fastify').FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const context = ctx(request);
    const tokens = await identity.listTokens(context);
    const query = request.query as Record<string, string | undefined>;
    return reply.status(status).page('identity/views/tokens.njk', {
      title: translate('tokens.title'),
      tokens,
      now: new Date(),
      values: { expiresInDays: '90' },
      notice: query.revoked ? translate('tokens.revokedNotice') : undefined,
      ...extra,
    });
  };

  app.get('/account/tokens', (request, reply) => showTokens(request, reply));

  app.post('/account/tokens', async (request, reply) => {
    const body = formBody(request);
    try {
      const created = await identity.createToken(ctx(request), body);
      return showTokens(request, reply, { created });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const { errorList, fields } = formErrors(errors, ['name', 'expiresInDays']);
      return showTokens(request, reply, { errorList, fields, values: body }, 400);
    }
  });

  app.post('/account/tokens/:id/revoke', async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!isUuid(id)) throw notFound('That token');
    await identity.revokeToken(ctx(request), id);
    return reply.redirect('/account/tokens?revoked=1', 303);
  });

  await app.register(sessionsRoutes, { identity, secureCookies: options.secureCookies });

  app.get('/accessibility', async (request, reply) =>
    reply.page('accessibility.njk', { title: translate('accessibility.title') }),
  );
}
