import { describe, expect, it } from 'vitest';
import { tallyView, type TallyFigures } from './tally';

// A composition of 5 voting members, 4 present: quorum (more than half) is 3, the 2/3 majority of 4 is 3.
const base: TallyFigures = {
  composition_size: 5,
  present: 4,
  recused: 0,
  votes_for: 0,
  votes_against: 0,
  votes_abstain: 0,
  quorum_needed: 3,
  votes_needed: 3,
};

describe('tallyView', () => {
  it('shows no quorum when too few members are present, whatever the votes', () => {
    const v = tallyView({ ...base, present: 2, votes_for: 2, votes_needed: 2 });
    expect(v.projection, 'a vote without quorum must never look adopted').toBe('no_quorum');
    expect(v.complete).toBe(false);
  });

  it('keeps the vote open while the remaining votes can still decide it', () => {
    const v = tallyView({ ...base, votes_for: 2 });
    expect(v.projection).toBe('open');
    expect(v.remaining, 'two of four present members are still to vote').toBe(2);
  });

  it('settles as approved as soon as the majority is reached', () => {
    const v = tallyView({ ...base, votes_for: 3 });
    expect(v.projection).toBe('approved');
    expect(v.complete, 'adoption still waits for the last member to vote').toBe(false);
  });

  it('settles as rejected when "against" reaches the majority', () => {
    expect(tallyView({ ...base, votes_against: 3, votes_for: 1 }).projection).toBe('rejected');
  });

  it('settles as deferred when neither side can reach the majority any more', () => {
    const v = tallyView({ ...base, votes_for: 2, votes_against: 1, votes_abstain: 1 });
    expect(v.projection, 'two for, one against, one abstention: no 2/3 either way').toBe('deferred');
    expect(v.complete).toBe(true);
  });

  it('does not count recused members as eligible', () => {
    const v = tallyView({ ...base, recused: 1, votes_for: 2, votes_against: 1, votes_needed: 2 });
    expect(v.eligible).toBe(3);
    expect(v.remaining).toBe(0);
    expect(v.projection).toBe('approved');
  });
});
