//! Upgrades proven on real old files: `tests/fixtures/upgrade/vKK` holds the demo clinic as the program of
//! schema version KK made it (built from that version's commit by `make.sh` there). Today's program must open
//! each one — running every migration since — verify it whole, and show the same cases, decisions and
//! signatures as the old file held.
use btlp_commission::{clinic, integrity, signatures, Keyring};
use rusqlite::types::Value;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade")
}

/// A copy of the fixture's database and key file in a temporary folder.
fn copy_of(version: &Path, into: &Path) -> PathBuf {
    for name in ["clinic.db", "clinic.db.keys"] {
        std::fs::copy(version.join(name), into.join(name)).unwrap();
    }
    into.join("clinic.db")
}

/// What the file holds, read with plain SQL (no migration): rows of the tables every version has, and the
/// decisions' documents and signatures where the version has them.
fn contents(conn: &Connection) -> Vec<(String, Vec<Vec<Value>>)> {
    let has = |table: &str| -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            > 0
    };
    let mut queries = vec![
        "SELECT id, patient_id, product_name, icd_code FROM cases ORDER BY id",
        "SELECT id, case_id, outcome, window_from, window_to, dose FROM decisions ORDER BY id",
        "SELECT id, last_name, first_name, patronymic, birth_date, snils FROM patients ORDER BY id",
        "SELECT id, case_id, decision_id, administered_at, dose FROM administrations ORDER BY id",
    ];
    if has("decision_documents") {
        queries
            .push("SELECT decision_id, content_sha256, signed_sha256, length(pdf) FROM decision_documents ORDER BY 1");
    }
    if has("document_signatures") {
        queries.push("SELECT * FROM document_signatures ORDER BY 1, 2");
    }
    queries
        .into_iter()
        .map(|q| {
            let mut stmt = conn.prepare(q).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            (q.to_string(), rows)
        })
        .collect()
}

fn raw(path: &Path) -> Connection {
    let key = Keyring::load(path).unwrap().unlock("admin", "admin-demo").unwrap();
    btlp_commission::Db::open_as_is(path, &key).unwrap()
}

#[test]
fn every_earlier_schema_version_upgrades_whole_and_keeps_its_cases_decisions_and_signatures() {
    let supported = btlp_commission::db::schema_version();
    let mut versions: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("clinic.db").is_file())
        .collect();
    versions.sort();

    for version in &versions {
        let name = version.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let before_dir = dir.path().join("before");
        let after_dir = dir.path().join("after");
        std::fs::create_dir_all(&before_dir).unwrap();
        std::fs::create_dir_all(&after_dir).unwrap();

        let old = raw(&copy_of(version, &before_dir));
        let stored: i64 = old.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(format!("v{stored:02}"), name, "{name} must be a file of schema version {name}");
        let before = contents(&old);
        assert!(!before[1].1.is_empty(), "{name}: the old demo clinic has decisions to carry over");
        drop(old);

        let path = copy_of(version, &after_dir);
        let mut session = clinic::sign_in(&path, "admin", "admin-demo")
            .unwrap_or_else(|e| panic!("{name}: today's program must open the old file: {e:?}"));
        let now: i64 = session.db.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(now, supported, "{name}: every migration since has run");
        let actor = session.actor.clone();
        let report = integrity::check(&mut session.db, &actor).unwrap();
        assert!(report.intact(), "{name}: the upgraded file must verify whole: {report:?}");

        let after = contents(session.db.conn());
        for ((query, old_rows), (_, new_rows)) in before.iter().zip(&after) {
            assert_eq!(old_rows, new_rows, "{name}: the upgrade must keep what `{query}` read");
        }

        // Migration 4's data fix: every administration and adverse reaction has its report to the regulator.
        let unreported: i64 = session
            .db
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM administrations a WHERE NOT EXISTS
                           (SELECT 1 FROM reports r WHERE r.subject_id = a.id))
                      + (SELECT count(*) FROM adverse_reactions x WHERE NOT EXISTS
                           (SELECT 1 FROM reports r WHERE r.subject_id = x.id))",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(unreported, 0, "{name}: every use and reaction recorded before reports existed gets its report");
        if stored < 4 {
            assert!(!before[3].1.is_empty(), "{name}: the old demo has administrations for migration 4 to report");
        }

        // Every signature the old program made still verifies with today's verifier.
        let mut signed = 0;
        let mut stmt = session
            .db
            .conn()
            .prepare("SELECT pdf FROM decision_documents")
            .unwrap_or_else(|_| session.db.conn().prepare("SELECT NULL WHERE 0").unwrap());
        let pdfs: Vec<Vec<u8>> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        drop(stmt);
        for pdf in pdfs {
            let checks = signatures::verify_with_db(session.db.conn(), &pdf).unwrap();
            for c in &checks {
                assert!(
                    c.intact && c.chain_ok && c.covers_revision && c.later_changes_only_signatures,
                    "{name}: a signature made by the old program must still verify: {c:?}"
                );
            }
            signed += checks.len();
        }
        if stored >= 2 {
            assert!(signed > 0, "{name}: the old demo's signed decisions were checked");
        }
    }
    let found: Vec<String> = versions.iter().map(|v| v.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let want: Vec<String> = (1..supported).map(|k| format!("v{k:02}")).collect();
    assert_eq!(found, want, "one fixture per earlier schema version (make them with tests/fixtures/upgrade/make.sh)");
}
