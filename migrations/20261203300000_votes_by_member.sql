-- Issue 17. A member's own votes by the member, for the home worklist: the decisions waiting for a member's
-- signature are found from the votes they cast, not by reading every unsigned decision for a vote of theirs.
CREATE INDEX votes_user ON votes (user_id, meeting_id, case_id);
