/**
 * The outcome of a vote of the joint committee: each organisation present casts one vote, for,
 * against or abstaining, and a resolution is carried when more vote for it than against it. A tie
 * is not carried; abstentions count for neither side.
 */

export const VOTES = ['for', 'against', 'abstain'] as const;
export type Vote = (typeof VOTES)[number];

export const OUTCOMES = ['carried', 'not_carried'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface VoteCounts {
  for: number;
  against: number;
  abstain: number;
}

/** How many voted each way. */
export function countVotes(votes: Iterable<Vote>): VoteCounts {
  const counts: VoteCounts = { for: 0, against: 0, abstain: 0 };
  for (const vote of votes) counts[vote] += 1;
  return counts;
}

/** Carried when more voted for than against; otherwise (a tie, or no votes at all) not carried. */
export function outcomeOf(counts: VoteCounts): Outcome {
  return counts.for > counts.against ? 'carried' : 'not_carried';
}

/** The counts of a set of votes and the outcome they give. */
export function tally(votes: Iterable<Vote>): { counts: VoteCounts; outcome: Outcome } {
  const counts = countVotes(votes);
  return { counts, outcome: outcomeOf(counts) };
}
