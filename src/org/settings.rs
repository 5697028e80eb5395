//! The commission's voting rules, kept as settings because Order 180н's exact quorum and majority are not
//! yet confirmed (DOMAIN.md §6). Defaults: quorum is more than half of the composition present; a decision
//! is adopted when "for" votes reach two thirds (rounded up) of the members present and not recused.
use crate::audit;
use crate::db::Db;
use crate::error::{Check, Error, Result};
use crate::people::{Actor, Operation};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VotingRules {
    /// Quorum: strictly more than `quorum_num / quorum_den` of the voting composition must be present.
    pub quorum_num: u32,
    pub quorum_den: u32,
    /// Adopted when "for" ≥ ⌈`majority_num / majority_den` × members present and not recused⌉.
    pub majority_num: u32,
    pub majority_den: u32,
}

impl Default for VotingRules {
    fn default() -> Self {
        VotingRules { quorum_num: 1, quorum_den: 2, majority_num: 2, majority_den: 3 }
    }
}

impl VotingRules {
    /// How many voting members must be present for a composition of `size`.
    pub fn quorum_needed(&self, size: usize) -> usize {
        (size * self.quorum_num as usize) / self.quorum_den as usize + 1
    }

    /// How many "for" votes adopt a decision when `eligible` members may vote.
    pub fn votes_needed(&self, eligible: usize) -> usize {
        let num = eligible * self.majority_num as usize;
        num.div_ceil(self.majority_den as usize).max(1)
    }
}

/// A setting as stored (text), if set.
pub(crate) fn text(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// A numeric setting, if set and a number.
pub(crate) fn read(conn: &Connection, key: &str) -> Result<Option<u32>> {
    Ok(text(conn, key)?.and_then(|s| s.parse().ok()))
}

/// Sets a setting inside the caller's transaction.
pub(crate) fn put(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)", params![key, value])?;
    Ok(())
}

/// The rules in force (defaults where none were set).
pub fn rules(conn: &Connection) -> Result<VotingRules> {
    let d = VotingRules::default();
    Ok(VotingRules {
        quorum_num: read(conn, "quorum_num")?.unwrap_or(d.quorum_num),
        quorum_den: read(conn, "quorum_den")?.unwrap_or(d.quorum_den),
        majority_num: read(conn, "majority_num")?.unwrap_or(d.majority_num),
        majority_den: read(conn, "majority_den")?.unwrap_or(d.majority_den),
    })
}

/// Changes the rules. Admins only; fractions must lie in (0, 1].
pub fn set_rules(db: &mut Db, actor: &Actor, r: VotingRules) -> Result<()> {
    actor.require(Operation::SettingsUpdate)?;
    if r.quorum_den == 0 || r.quorum_num >= r.quorum_den {
        return Err(Error::invalid("quorum", Check::OneOf { allowed: "0 < n/d < 1".into() }));
    }
    if r.majority_den == 0 || r.majority_num == 0 || r.majority_num > r.majority_den {
        return Err(Error::invalid("majority", Check::OneOf { allowed: "0 < n/d ≤ 1".into() }));
    }
    db.tx(|tx| {
        for (k, v) in [
            ("quorum_num", r.quorum_num),
            ("quorum_den", r.quorum_den),
            ("majority_num", r.majority_num),
            ("majority_den", r.majority_den),
        ] {
            put(tx, k, &v.to_string())?;
        }
        audit::record(tx, actor, "settings.voting_rules", "settings", "voting", &r)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_quorum_is_more_than_half() {
        let r = VotingRules::default();
        assert_eq!(r.quorum_needed(5), 3, "3 of 5 is more than half");
        assert_eq!(r.quorum_needed(4), 3, "2 of 4 is only half, so 3 are needed");
        assert_eq!(r.quorum_needed(3), 2, "2 of 3 is more than half");
    }

    #[test]
    fn default_majority_is_two_thirds_rounded_up() {
        let r = VotingRules::default();
        assert_eq!(r.votes_needed(5), 4, "⌈2/3 × 5⌉ = 4, so 2 or 3 of 5 do not adopt");
        assert_eq!(r.votes_needed(3), 2, "⌈2/3 × 3⌉ = 2");
        assert_eq!(r.votes_needed(4), 3, "⌈2/3 × 4⌉ = 3");
    }
}
