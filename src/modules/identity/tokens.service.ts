import { hashSecret, newApiToken, scopeOf } from '../../platform/auth/index.js';
import { inScope, type Database } from '../../platform/db/index.js';
import { notFound, validationFailed } from '../../platform/errors.js';
import { auditBy } from '../audit/index.js';
import { identityRepository as repo } from './identity.repository.js';
import { validateTokenRequest } from './identity.schemas.js';
import type { ChangingCredentials, Context } from './identity.service.js';

/** API tokens: each person's own, in the organisation they act in. */
export function tokenUseCases(db: Database, changingCredentials: ChangingCredentials) {
  return {
    async listTokens(ctx: Context) {
      const { principal } = ctx;
      return inScope(db, scopeOf(principal), (tx) =>
        repo.listTokens(tx, principal.org.orgId, principal.userId),
      );
    },

    /** Makes a token and returns its secret, which is never stored and cannot be shown again. */
    async createToken(ctx: Context, input: Record<string, unknown>) {
      const { principal } = ctx;
      const { value, errors } = validateTokenRequest(input);
      if (Object.keys(errors).length > 0) throw validationFailed(errors);
      const secret = newApiToken();
      const token = await inScope(db, scopeOf(principal), async (tx) => {
        const row = await repo.insertToken(tx, {
          orgId: principal.org.orgId,
          userId: principal.userId,
          name: value.name,
          tokenHash: hashSecret(secret),
          expiresAt: new Date(Date.now() + value.expiresInDays * 86_400_000),
        });
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'api-token.create',
          entityType: 'api_token',
          entityId: row.id,
          after: { name: row.name, expiresAt: row.expires_at },
        });
        return row;
      });
      return { ...token, secret };
    },

    async revokeToken(ctx: Context, tokenId: string) {
      const { principal } = ctx;
      await changingCredentials(scopeOf(principal), async (tx) => {
        const revoked = await repo.revokeToken(tx, principal.org.orgId, principal.userId, tokenId);
        if (!revoked) throw notFound('That token');
        await auditBy(tx, ctx, {
          orgId: principal.org.orgId,
          action: 'api-token.revoke',
          entityType: 'api_token',
          entityId: tokenId,
          after: { name: revoked.name },
        });
      });
    },
  };
}
