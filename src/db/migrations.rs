//! Forward-only schema migrations, embedded in the binary and run by `rusqlite_migration`. A migration file
//! is never edited once it has landed; a change is a new file.
use crate::error::{Result, Storage};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const FILES: &[&str] = &[
    include_str!("../../migrations/20261123000000_initial.sql"),
    include_str!("../../migrations/20261123100000_signatures.sql"),
    include_str!("../../migrations/20261124000000_read_indexes.sql"),
    include_str!("../../migrations/20261125000000_reports.sql"),
    include_str!("../../migrations/20261126000000_rooms.sql"),
    include_str!("../../migrations/20261127000000_batches_permit.sql"),
    include_str!("../../migrations/20261128000000_row_seals_lockout.sql"),
    include_str!("../../migrations/20261201000000_safety.sql"),
    include_str!("../../migrations/20261202000000_protocols.sql"),
    include_str!("../../migrations/20261202100000_export_log.sql"),
    include_str!("../../migrations/20261202200000_minutes.sql"),
    include_str!("../../migrations/20261202300000_patient_records.sql"),
    include_str!("../../migrations/20261203000000_patient_search.sql"),
    include_str!("../../migrations/20261203100000_integrity_checkpoints.sql"),
    include_str!("../../migrations/20261203200000_patients_name_birth.sql"),
    include_str!("../../migrations/20261203300000_votes_by_member.sql"),
    include_str!("../../migrations/20261203400000_documents_signed.sql"),
    include_str!("../../migrations/20261204000000_external_signing.sql"),
];

/// Tables whose rows a migration itself writes (index into `FILES`, tables): those rows are sealed on the first
/// open after it, as the program's own writes (the seals are kept by `Db`, which migrations run before).
const WRITES: &[(usize, &[&str])] = &[(8, &["meeting_protocols"])];

/// Reports arrived with migration 4: administrations and reactions recorded before it get theirs opened.
const REPORTS: usize = 3;

fn migrations() -> Migrations<'static> {
    Migrations::new(
        FILES
            .iter()
            .enumerate()
            .map(|(i, sql)| {
                if i == REPORTS {
                    M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                        super::fixes::open_missing_reports(tx).map(|_| ()).map_err(rusqlite_migration::HookError::from)
                    })
                } else {
                    M::up(sql)
                }
            })
            .collect(),
    )
}

/// How many migrations this program knows: the schema version of a database it fully migrated.
pub fn count() -> i64 {
    FILES.len() as i64
}

/// Brings the schema up to date; returns the tables whose rows the migrations applied now wrote.
pub fn run(conn: &mut Connection) -> Result<Vec<&'static str>> {
    let before: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    migrations().to_latest(conn).map_err(Storage::from)?;
    Ok(WRITES.iter().filter(|(i, _)| *i as i64 >= before).flat_map(|(_, tables)| tables.iter().copied()).collect())
}

/// A table, index or trigger that differs from what this program's migrations make.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaFinding {
    /// `table`, `index` or `trigger`.
    pub kind: String,
    pub name: String,
    /// `missing`, `changed` or `extra`.
    pub state: &'static str,
}

type Schema = std::collections::BTreeMap<(String, String), Option<String>>;

fn schema(conn: &Connection) -> Result<Schema> {
    let mut stmt = conn.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Compares the database's schema with a fresh one made by running every migration in memory.
pub(crate) fn differences(conn: &Connection) -> Result<Vec<SchemaFinding>> {
    let mut fresh = Connection::open_in_memory()?;
    run(&mut fresh)?;
    let (want, have) = (schema(&fresh)?, schema(conn)?);
    let mut found = Vec::new();
    for ((kind, name), sql) in &want {
        let state = match have.get(&(kind.clone(), name.clone())) {
            None => "missing",
            Some(s) if s != sql => "changed",
            Some(_) => continue,
        };
        found.push(SchemaFinding { kind: kind.clone(), name: name.clone(), state });
    }
    for (kind, name) in have.keys().filter(|k| !want.contains_key(*k)) {
        found.push(SchemaFinding { kind: kind.clone(), name: name.clone(), state: "extra" });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok(), "every migration must apply cleanly to an empty database");
    }
}
