import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countVotes, outcomeOf, tally, VOTES, type Outcome, type Vote } from './votes.js';

describe('outcomeOf', () => {
  it.each<[number, number, number, Outcome]>([
    [1, 0, 0, 'carried'],
    [3, 2, 5, 'carried'],
    [2, 2, 0, 'not_carried'],
    [1, 2, 0, 'not_carried'],
    [0, 0, 4, 'not_carried'],
    [0, 0, 0, 'not_carried'],
    [1, 0, 9, 'carried'],
  ])('%i for, %i against, %i abstaining: %s', (votesFor, against, abstain, expected) => {
    expect(outcomeOf({ for: votesFor, against, abstain })).toBe(expected);
  });
});

describe('tally', () => {
  it('counts each way and gives the outcome', () => {
    expect(tally(['for', 'against', 'abstain', 'for'])).toEqual({
      counts: { for: 2, against: 1, abstain: 1 },
      outcome: 'carried',
    });
    expect(tally([])).toEqual({ counts: { for: 0, against: 0, abstain: 0 }, outcome: 'not_carried' });
  });
});

const votes = fc.array(fc.constantFrom<Vote>(...VOTES), { maxLength: 40 });

describe('votes, whatever is cast', () => {
  it('are all counted, each once', () => {
    fc.assert(
      fc.property(votes, (cast) => {
        const counts = countVotes(cast);
        expect(counts.for + counts.against + counts.abstain).toBe(cast.length);
        expect(counts.for).toBe(cast.filter((v) => v === 'for').length);
      }),
    );
  });

  it('carry exactly when more are for than against, in any order, abstentions aside', () => {
    fc.assert(
      fc.property(votes, fc.nat({ max: 10 }), (cast, abstentions) => {
        const { outcome } = tally(cast);
        const forCount = cast.filter((v) => v === 'for').length;
        const againstCount = cast.filter((v) => v === 'against').length;
        expect(outcome === 'carried').toBe(forCount > againstCount);
        expect(tally([...cast].reverse()).outcome).toBe(outcome);
        const more = [...cast, ...Array.from({ length: abstentions }, (): Vote => 'abstain')];
        expect(tally(more).outcome).toBe(outcome);
      }),
    );
  });

  it('one more vote for never defeats a resolution, one more against never carries it', () => {
    fc.assert(
      fc.property(votes, (cast) => {
        const outcome = tally(cast).outcome;
        if (outcome === 'carried') expect(tally([...cast, 'for']).outcome).toBe('carried');
        else expect(tally([...cast, 'against']).outcome).toBe('not_carried');
      }),
    );
  });

  it('never carry both a resolution and its opposite', () => {
    fc.assert(
      fc.property(votes, (cast) => {
        const swapped = cast.map((v): Vote => (v === 'for' ? 'against' : v === 'against' ? 'for' : v));
        expect(tally(cast).outcome === 'carried' && tally(swapped).outcome === 'carried').toBe(false);
      }),
    );
  });
});
