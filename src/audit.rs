//! The audit trail: every change writes an entry (who, when, what, a digest of the change) whose hash
//! covers the previous entry's hash, so an edited, deleted or reordered entry breaks the chain.
//! Triggers make the table append-only for the program; the chain catches whoever bypasses them.
use crate::db::Tx;
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whoever makes a change: the trail keeps their login. (The signed-in `people::Actor` is one; the trail does
/// not know the people module, which builds on it.)
pub trait Author {
    fn login(&self) -> &str;
}

/// Appends one entry for a change made by `actor` inside `tx`; `change` is the new state (or the request).
pub fn record(
    tx: &Tx,
    actor: &impl Author,
    action: &str,
    entity: &str,
    entity_id: &str,
    change: &impl Serialize,
) -> Result<()> {
    append(tx, actor.login(), action, entity, entity_id, change)
}

/// Appends an entry for a change made by the system itself (set-up, migrations of data).
pub fn append(
    tx: &Tx,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    change: &impl Serialize,
) -> Result<()> {
    let json = serde_json::to_vec(change).unwrap_or_default();
    let digest = crate::digest::sha256_hex(&json);
    let (seq, prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap_or((0, GENESIS.to_string()));
    let seq = seq + 1;
    let at = tx.now_text();
    let hash = chain_hash(&prev, seq, &at, actor, action, entity, entity_id, &digest);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, digest, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, actor, action, entity, entity_id, digest, prev, hash],
    )?;
    if !action.starts_with("export.") {
        tx.changed(entity, entity_id);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    id: &str,
    digest: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, entity, id, digest] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// One audit entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        entries: i64,
    },
    /// The chain breaks at this entry: it, or one before it, was edited, removed or moved.
    BrokenAt {
        seq: i64,
    },
}

/// Walks the whole log and recomputes every link.
pub fn verify(conn: &Connection) -> Result<Verdict> {
    verify_chain(conn, 0, GENESIS)
}

/// Verifies the entries after `seq`, the last one a check verified, whose hash was then `hash`: that entry
/// must still carry it, and the entries after it must chain from it.
pub fn verify_after(conn: &Connection, seq: i64, hash: &str) -> Result<Verdict> {
    if seq > 0 {
        let now: Option<String> =
            conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| r.get(0)).optional()?;
        if now.as_deref() != Some(hash) {
            return Ok(Verdict::BrokenAt { seq });
        }
    }
    verify_chain(conn, seq, if seq > 0 { hash } else { GENESIS })
}

/// The last entry and its hash (0 and the genesis value for an empty trail).
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

fn verify_chain(conn: &Connection, after: i64, prev: &str) -> Result<Verdict> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, entity, entity_id, digest, prev_hash, hash FROM audit_log WHERE seq > ?1
         ORDER BY seq",
    )?;
    let mut rows = stmt.query([after])?;
    let mut expected_prev = prev.to_string();
    let mut expected_seq = after + 1;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let fields: Vec<String> = (1..9).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
        let recomputed =
            chain_hash(&fields[6], seq, &fields[0], &fields[1], &fields[2], &fields[3], &fields[4], &fields[5]);
        if seq != expected_seq || fields[6] != expected_prev || recomputed != fields[7] {
            return Ok(Verdict::BrokenAt { seq });
        }
        expected_prev = fields[7].clone();
        expected_seq += 1;
    }
    Ok(Verdict::Intact { entries: expected_seq - 1 })
}

/// A signed document whose stored bytes no longer match the SHA-256 recorded when it was signed: someone
/// changed it behind the app's back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedDocument {
    /// `decision`, `consent`, `administration` or `report`.
    pub kind: String,
    pub id: String,
}

/// Recomputes the SHA-256 of every signed PDF (decisions, consent and administration records, reports) and
/// returns those that differ from the digest stored when they were signed, with how many were checked.
pub fn changed_documents(conn: &Connection) -> Result<(usize, Vec<ChangedDocument>)> {
    changed_documents_since(conn, None)
}

/// [`changed_documents`] among the documents whose rows were sealed after generation `gen` (all for `None`).
pub fn changed_documents_since(conn: &Connection, gen: Option<i64>) -> Result<(usize, Vec<ChangedDocument>)> {
    let since = |table: &str| {
        format!("(?1 IS NULL OR rowid IN (SELECT row FROM row_seals WHERE tbl = '{table}' AND gen > ?1))")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT 'decision', decision_id, pdf, signed_sha256 FROM decision_documents
         WHERE signed_sha256 IS NOT NULL AND {}
         UNION ALL SELECT kind, subject_id, pdf, signed_sha256 FROM record_documents WHERE {}
         UNION ALL SELECT 'report', id, pdf, signed_sha256 FROM reports WHERE signed_sha256 IS NOT NULL AND {}",
        since("decision_documents"),
        since("record_documents"),
        since("reports")
    ))?;
    let mut rows = stmt.query([gen])?;
    let (mut checked, mut changed) = (0, Vec::new());
    while let Some(r) = rows.next()? {
        checked += 1;
        // Read as stored, whatever its type: an edit made with sqlite3 may have turned the blob into text.
        let pdf: &[u8] = match r.get_ref(2)? {
            rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => b,
            _ => &[],
        };
        let stored: String = r.get(3)?;
        if crate::digest::sha256_hex(pdf) != stored {
            changed.push(ChangedDocument { kind: r.get(0)?, id: r.get::<_, uuid::Uuid>(1)?.to_string() });
        }
    }
    Ok((checked, changed))
}

/// The newest entries first.
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<Entry>> {
    let mut stmt =
        conn.prepare("SELECT seq, at, actor, action, entity, entity_id FROM audit_log ORDER BY seq DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Entry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn log_three() -> Db {
        let mut db = Db::in_memory().unwrap();
        for i in 0..3 {
            db.tx(|tx| append(tx, "system", "test", "thing", &i.to_string(), &i)).unwrap();
        }
        db.conn().execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
        db
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let db = log_three();
        assert_eq!(verify(db.conn()).unwrap(), Verdict::Intact { entries: 3 }, "an untouched log must verify");
    }

    #[test]
    fn an_edited_entry_is_detected() {
        let db = log_three();
        db.conn().execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", []).unwrap();
        assert_eq!(verify(db.conn()).unwrap(), Verdict::BrokenAt { seq: 2 }, "an edited entry must break the chain");
    }

    #[test]
    fn a_deleted_entry_is_detected() {
        let db = log_three();
        db.conn().execute("DELETE FROM audit_log WHERE seq = 2", []).unwrap();
        assert_eq!(verify(db.conn()).unwrap(), Verdict::BrokenAt { seq: 3 }, "a removed entry must break the chain");
    }

    #[test]
    fn reordered_entries_are_detected() {
        let db = log_three();
        db.conn()
            .execute_batch(
                "CREATE TABLE t AS SELECT * FROM audit_log;
                 UPDATE audit_log SET (at, actor, action, entity, entity_id, digest, prev_hash, hash) =
                   (SELECT at, actor, action, entity, entity_id, digest, prev_hash, hash FROM t WHERE t.seq = 5 - audit_log.seq)
                 WHERE seq IN (2, 3);",
            )
            .unwrap();
        assert_eq!(verify(db.conn()).unwrap(), Verdict::BrokenAt { seq: 2 }, "reordered entries must break the chain");
    }

    #[test]
    fn the_program_cannot_rewrite_the_log() {
        let mut db = Db::in_memory().unwrap();
        db.tx(|tx| append(tx, "system", "test", "thing", "1", &1)).unwrap();
        let r = db.conn().execute("UPDATE audit_log SET actor = 'x'", []);
        assert!(r.is_err(), "the audit log must be append-only");
    }
}
