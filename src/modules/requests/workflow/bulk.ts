import type { Caller } from '../../../platform/auth/index.js';
import { DomainError } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { requestsPolicy } from '../requests.policy.js';
import { BulkAssignInput, BulkMoveInput } from '../requests.schemas.js';
import type { RequestView } from '../reading/request-view.js';

/** What became of one request of a bulk change. */
export type BulkResult =
  | { id: string; ok: true; reference: string; version: number }
  | { id: string; ok: false; error: { code: string; message: string } };

type One = (caller: Caller, id: string, given: unknown) => Promise<RequestView>;

/**
 * Bulk assign and bulk move from a queue. Each request is changed in a unit of work of its own and
 * checked as if changed alone, so one that someone else has just resolved, or that the caller may
 * not touch, fails by itself and the others go ahead: the answer says, request by request, which
 * were changed (with their new version) and why any were not.
 */
export function bulkChanges(assign: One, moveTeam: One) {
  const each = async (ids: readonly string[], change: (id: string) => Promise<RequestView>) => {
    const results: BulkResult[] = [];
    for (const id of ids) {
      try {
        const view = await change(id);
        results.push({ id, ok: true, reference: view.reference, version: view.version });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ id, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    return { results };
  };

  return {
    async bulkAssign(caller: Caller, given: unknown): Promise<{ results: BulkResult[] }> {
      const input = inputOf(BulkAssignInput).read(given);
      requestsPolicy.assign(caller.principal, input.assignee?.toLowerCase() ?? null);
      return each(input.requests, (id) => assign(caller, id, { assignee: input.assignee }));
    },

    async bulkMove(caller: Caller, given: unknown): Promise<{ results: BulkResult[] }> {
      requestsPolicy.work(caller.principal);
      const input = inputOf(BulkMoveInput).read(given);
      return each(input.requests, (id) => moveTeam(caller, id, { team: input.team }));
    },
  };
}
