// The live tally shown on the meeting screen. The core counts the votes and decides the outcome; this turns
// its figures into what the commission needs to see while voting goes on: is there a quorum, how many
// votes are still to come, and whether the result is already settled either way.

export interface TallyFigures {
  composition_size: number;
  present: number;
  recused: number;
  votes_for: number;
  votes_against: number;
  votes_abstain: number;
  quorum_needed: number;
  votes_needed: number;
}

export type Projection = 'no_quorum' | 'open' | 'approved' | 'rejected' | 'deferred';

export interface TallyView {
  quorumMet: boolean;
  eligible: number;
  cast: number;
  remaining: number;
  /** What the vote will end in, as soon as no remaining vote can change it. */
  projection: Projection;
  /** Whether every eligible member has voted (the decision can be adopted). */
  complete: boolean;
}

export function tallyView(t: TallyFigures): TallyView {
  const eligible = Math.max(0, t.present - t.recused);
  const cast = t.votes_for + t.votes_against + t.votes_abstain;
  const remaining = Math.max(0, eligible - cast);
  const quorumMet = t.present >= t.quorum_needed;
  let projection: Projection;
  if (!quorumMet) projection = 'no_quorum';
  else if (t.votes_for >= t.votes_needed) projection = 'approved';
  else if (t.votes_against >= t.votes_needed) projection = 'rejected';
  else if (t.votes_for + remaining < t.votes_needed && t.votes_against + remaining < t.votes_needed)
    projection = 'deferred';
  else projection = 'open';
  return { quorumMet, eligible, cast, remaining, projection, complete: quorumMet && remaining === 0 };
}
