import { inScope, type Database, type Scope } from '../../platform/db/index.js';
import { auditChainRepository, type ChainBreakRow, type ChainSummaryRow } from './audit.repository.js';

/** One organisation's audit chain: how long it is and the hash of its last entry. */
export interface AuditChain {
  /** The organisation's code (its id, should the organisation not be found). */
  organisation: string;
  entries: number;
  /** The hash of its last entry, in hex: kept elsewhere, it shows later whether the chain was rewritten. */
  head: string;
}

export interface AuditCheck {
  entries: number;
  chains: AuditChain[];
  /** Where a chain breaks, one sentence each naming the entry; empty when every chain is whole. */
  breaks: string[];
  /** True when there were more breaks than are listed. */
  more: boolean;
}

/** The most breaks listed: past the first few, the rest tell an administrator little more. */
const MOST_BREAKS = 100;

/**
 * Checks every organisation's audit chain that `scope` may read (all of them, for a platform
 * administrator): each entry's hash against its content and the entry before it, each place
 * against the one before, and each chain's end against the head recorded for it. Reports any gap
 * or change, naming the entry where the chain breaks.
 */
export async function verifyAuditLog(db: Database, scope: Scope): Promise<AuditCheck> {
  const { breakRows, summaries } = await inScope(db, scope, async (tx) => ({
    breakRows: await auditChainRepository.breaks(tx, MOST_BREAKS + 1),
    summaries: await auditChainRepository.summaries(tx),
  }));
  const breaks = breakRows.slice(0, MOST_BREAKS).map(describeBreak);
  for (const summary of summaries) {
    const problem = endProblem(summary);
    if (problem) breaks.push(problem);
  }
  return {
    entries: summaries.reduce((sum, chain) => sum + Number(chain.entries ?? 0), 0),
    chains: summaries
      .filter((chain) => chain.entries !== null)
      .map((chain) => ({
        organisation: chain.code ?? chain.org_id,
        entries: Number(chain.entries),
        head: chain.last_hash?.toString('hex') ?? '',
      })),
    breaks,
    more: breakRows.length > MOST_BREAKS,
  };
}

function range(from: number, to: number): string {
  return from === to ? `entry no. ${from} is` : `entries no. ${from}–${to} are`;
}

function describeBreak(row: ChainBreakRow): string {
  const seq = Number(row.seq);
  const before = Number(row.before_seq);
  const where = `${row.code ?? row.org_id} no. ${seq} (entry ${row.id}, ${row.at.toISOString()}, ${row.action})`;
  const problems: string[] = [];
  if (seq > before + 1) problems.push(`${range(before + 1, seq - 1)} missing before it`);
  else if (seq <= before) problems.push(`it is out of place after no. ${before}`);
  if (row.changed) problems.push('it was changed after it was written (its content does not match its hash)');
  if (row.unlinked && seq === before + 1 && before > 0)
    problems.push(`it does not follow no. ${before}, which was changed and given a new hash, or replaced`);
  else if (row.unlinked && seq === 1) problems.push('it does not start the chain as a first entry does');
  return `${where}: ${problems.join('; ')}`;
}

/** What is wrong at the end of a chain, against the head recorded as each entry was added. */
function endProblem(chain: ChainSummaryRow): string | undefined {
  const who = chain.code ?? chain.org_id;
  const last = Number(chain.last_seq ?? 0);
  const head = chain.head_seq === null ? undefined : Number(chain.head_seq);
  if (head === undefined) return `${who}: no head is recorded for its chain of ${last} entries`;
  if (last < head) return `${who}: ${range(last + 1, head)} missing from the end of its chain`;
  if (last > head) return `${who}: entries after no. ${head} were added without going through the chain`;
  if (head > 0 && !chain.head_hash?.equals(chain.last_hash ?? Buffer.alloc(0)))
    return `${who}: its last entry, no. ${last}, was changed and given a new hash, or replaced`;
  return undefined;
}
