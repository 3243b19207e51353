import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { scopeOf } from '../../platform/auth/index.js';
import { readInScope, type Database } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { signedIn } from '../../platform/web/index.js';
import { ErrorResponse, Uuid } from '../../platform/api/index.js';
import { identityRepository } from './identity.repository.js';

const Membership = Type.Object({
  orgId: Uuid,
  code: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
});

const Me = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  organisation: Membership,
  memberships: Type.Array(Membership),
});

export const identityApi: FastifyPluginAsyncTypebox<{ db: Database }> = async (app, { db }) => {
  app.get(
    '/me',
    {
      schema: {
        summary: 'Who the token acts as, and in which organisation',
        tags: ['identity'],
        response: { 200: Me, 401: ErrorResponse },
      },
    },
    async (request) => {
      const principal = signedIn(request);
      // Read through row level security, as the caller: what the database lets them see of themselves.
      const profile = await readInScope(db, scopeOf(principal), (tx) =>
        identityRepository.profile(tx, principal.userId),
      );
      const current = profile?.memberships.find((m) => m.orgId === principal.org.orgId);
      if (!profile || !current) throw notFound('That user');
      const present = (m: (typeof profile.memberships)[number]) => ({
        orgId: m.orgId,
        code: m.code,
        name: m.name,
        roles: m.roles,
      });
      return {
        id: profile.id,
        email: profile.email,
        name: profile.name,
        organisation: present(current),
        memberships: profile.memberships.map(present),
      };
    },
  );
};
