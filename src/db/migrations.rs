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
];

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
                        crate::reports::open_missing(tx)
                            .map(|_| ())
                            .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
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

pub fn run(conn: &mut Connection) -> Result<()> {
    migrations().to_latest(conn).map_err(Storage::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok(), "every migration must apply cleanly to an empty database");
    }
}
