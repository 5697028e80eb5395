//! The `btlp` tool as a user runs it.
use std::process::Command;

fn btlp(args: &[&str], user: &str, password: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_btlp"))
        .args(args)
        .env("BTLP_USER", user)
        .env("BTLP_PASSWORD", password)
        .env_remove("BTLP_LANG")
        .output()
        .unwrap()
}

#[test]
fn demo_builds_a_clinic_with_no_plain_text_and_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let out = btlp(&["demo", "--db", db], "", "");
    assert!(out.status.success(), "demo must succeed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("doctor") && text.contains("doctor-demo"), "demo prints each user with their password");

    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        for name in ["Иванов", "Смирнова", "189662245"] {
            let needle = name.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} must not contain the patient data {name} in plain text",
                entry.path().display()
            );
        }
    }

    let out = btlp(&["decision", "list", "--db", db], "chair", "chair-demo");
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "decision list must run");
    assert!(list.lines().any(|l| l.starts_with("1/20")), "decisions are listed with numbers like 1/2026: {list}");
    assert!(list.contains("одобрено") && list.contains("отказано") && list.contains("отложено"), "every outcome");

    let out = btlp(&["case", "list", "--db", db], "doctor", "doctor-demo");
    let cases = String::from_utf8(out.stdout).unwrap();
    for state in ["черновик", "направлен на ВК", "оценка завершена", "в повестке", "решение принято"]
    {
        assert!(cases.contains(state), "the demo has a case in state {state}");
    }
    let id = cases.lines().find(|l| l.contains("Иванов")).and_then(|l| l.split_whitespace().next()).unwrap();
    let out = btlp(&["case", "show", id, "--db", db], "doctor", "doctor-demo");
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("189-662-245 27") && shown.contains("-CART19-001"), "case show prints the record");

    let out = btlp(&["batch", "list", "--db", db], "production", "production-demo");
    let batches = String::from_utf8(out.stdout).unwrap();
    assert!(
        batches.contains("Введение пациенту") && batches.contains("Контроль качества"),
        "the demo has a batch given and one in quality control: {batches}"
    );

    let out = btlp(&["audit", "verify", "--db", db], "admin", "admin-demo");
    assert!(out.status.success(), "the demo's audit chain is intact");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Подписанных документов проверено"), "the signed documents are checked too: {text}");

    // Someone with the key edits a signed decision's PDF behind the app's back (dropping the trigger first).
    let path = std::path::Path::new(db);
    let key = btlp_commission::db::Keyring::load(path).unwrap().unlock("admin", "admin-demo").unwrap();
    let raw = btlp_commission::Db::open(path, &key).unwrap();
    raw.conn()
        .execute_batch(
            "DROP TRIGGER decision_documents_final;
             UPDATE decision_documents SET pdf = pdf || x'20'
             WHERE decision_id = (SELECT decision_id FROM decision_documents WHERE signed_sha256 IS NOT NULL LIMIT 1);",
        )
        .unwrap();
    drop(raw);
    let out = btlp(&["audit", "verify", "--db", db], "admin", "admin-demo");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "a signed PDF changed after signing is a finding (exit 2): {err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ИЗМЕНЁН после подписания: решение"), "and is named");
}

#[test]
fn a_wrong_password_is_explained_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    assert!(btlp(&["demo", "--db", db], "", "").status.success());
    let out = btlp(&["--lang", "en", "case", "list", "--db", db], "doctor", "wrong");
    assert!(!out.status.success(), "a wrong password must fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Wrong user name or password"), "the message is clear and in English: {err}");
    let out = btlp(&["case", "list", "--db", db], "doctor", "wrong");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Неверное имя пользователя или пароль"), "and in Russian by default: {err}");

    // `btlp … | head`: the reader goes away before the output is written; the tool ends quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_btlp"))
        .args(["user", "list", "--db", db])
        .env("BTLP_USER", "admin")
        .env("BTLP_PASSWORD", "admin-demo")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "a closed pipe must not make the tool panic: {err}");
}

#[test]
fn init_creates_a_database_the_admin_can_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.db");
    let db = db.to_str().unwrap();
    let args = [
        "init",
        "--db",
        db,
        "--org-name",
        "Клиника",
        "--licence",
        "Л041",
        "--permit-number",
        "БТЛП-1",
        "--permit-date",
        "15.03.2025",
        "--icu",
        "--admin-login",
        "boss",
        "--admin-name",
        "Главный Админ Иванович",
    ];
    let out = btlp(&args, "", "boss-password");
    assert!(out.status.success(), "init must succeed: {}", String::from_utf8_lossy(&out.stderr));
    let out = btlp(&["user", "list", "--db", db], "boss", "boss-password");
    assert!(String::from_utf8(out.stdout).unwrap().contains("boss"), "the first admin can sign in and list users");
    let again = btlp(&args, "", "boss-password");
    assert!(!again.status.success(), "init must refuse to overwrite an existing database");
}

#[test]
fn demo_decisions_are_fully_signed_and_pass_outside_validators() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = path("demo.db");
    assert!(btlp(&["demo", "--db", &db], "", "").status.success());
    let out = btlp(&["decision", "pdf", "1/2026", "--db", &db, "--out", &path("d1.pdf")], "chair", "chair-demo");
    assert!(out.status.success(), "the signed PDF is written: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "a demo decision is fully signed, so no warning is printed");
    let out = btlp(&["export-root", "--db", &db, "--out", &path("root.pem")], "admin", "admin-demo");
    assert!(out.status.success(), "the root certificate is exported");

    let out = btlp(&["verify", &path("d1.pdf"), "--root", &path("root.pem")], "", "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "btlp verify accepts the demo decision: {text}");
    assert_eq!(text.matches("ДЕЙСТВИТЕЛЬНА").count(), 5, "secretary, three members and the chair: {text}");
    assert!(text.contains("Орлов Виктор Андреевич"), "signers are named in Cyrillic: {text}");

    let nss = path("nss");
    std::fs::create_dir(&nss).unwrap();
    let nssdir = format!("sql:{nss}");
    let certutil = |args: &[&str]| Command::new("certutil").args(args).output().expect("certutil (libnss3-tools)");
    assert!(certutil(&["-N", "-d", &nssdir, "--empty-password"]).status.success());
    assert!(certutil(&["-A", "-d", &nssdir, "-n", "root", "-t", "CT,C,C", "-i", &path("root.pem")]).status.success());
    let out = Command::new("pdfsig").args(["-nssdir", &nssdir, &path("d1.pdf")]).output().expect("pdfsig (poppler)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.matches("Signature is Valid").count(), 5, "pdfsig must accept every signature: {report}");
    assert_eq!(report.matches("Certificate is Trusted").count(), 5, "each chains to the clinic root: {report}");
    assert!(!report.contains("not signed"), "pdfsig: {report}");
    let last = report.rsplit("Signature #").next().unwrap();
    assert!(last.contains("Total document signed"), "the chair's signature covers the whole file: {report}");

    // One changed byte inside the page content: both pdfsig and btlp verify must now refuse.
    let mut bytes = std::fs::read(path("d1.pdf")).unwrap();
    let at = bytes.windows(6).position(|w| w == b"stream").unwrap() + 40;
    bytes[at] ^= 0x01;
    std::fs::write(path("bad.pdf"), &bytes).unwrap();
    let out = Command::new("pdfsig").args(["-nssdir", &nssdir, &path("bad.pdf")]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!report.contains("Signature is Valid"), "pdfsig must reject a changed file: {report}");
    let out = btlp(&["--lang", "en", "verify", &path("bad.pdf"), "--root", &path("root.pem")], "", "");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!out.status.success(), "btlp verify must fail on a changed file: {text}");
    assert!(text.contains("INVALID") && text.contains("changed after signing"), "and say why: {text}");
}

#[test]
fn tls_issue_writes_a_server_certificate_openssl_accepts_for_tls_and_a_private_key() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    assert!(btlp(&["demo", "--db", db], "", "").status.success());
    let out_dir = dir.path().join("tls");
    let out = btlp(
        &["tls", "issue", "--db", db, "--san", "localhost,127.0.0.1", "--out", out_dir.to_str().unwrap()],
        "doctor",
        "doctor-demo",
    );
    assert!(!out.status.success(), "a physician cannot issue the server's certificate");
    assert!(!out_dir.join("server.key").exists(), "and nothing is written");
    let out = btlp(
        &["tls", "issue", "--db", db, "--san", "localhost,127.0.0.1", "--out", out_dir.to_str().unwrap()],
        "admin",
        "admin-demo",
    );
    assert!(out.status.success(), "tls issue must succeed: {}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(out_dir.join("server.key")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the private key is readable by its owner only");
    let root = dir.path().join("root.pem");
    assert!(btlp(&["export-root", "--db", db, "--out", root.to_str().unwrap()], "admin", "admin-demo")
        .status
        .success());
    // OpenSSL as the outside judge: the chain, and the TLS server purpose (extendedKeyUsage serverAuth).
    let verify = Command::new("openssl")
        .args(["verify", "-CAfile", root.to_str().unwrap(), "-purpose", "sslserver", "-verify_hostname", "localhost"])
        .arg(out_dir.join("server.pem"))
        .output()
        .expect("openssl (Debian's openssl package) must be installed");
    let said = String::from_utf8_lossy(&verify.stdout).to_string() + &String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && said.contains(": OK"),
        "openssl accepts it for a TLS server named localhost: {said}"
    );
    let wrong = Command::new("openssl")
        .args([
            "verify",
            "-CAfile",
            root.to_str().unwrap(),
            "-purpose",
            "sslserver",
            "-verify_hostname",
            "elsewhere.example",
        ])
        .arg(out_dir.join("server.pem"))
        .output()
        .unwrap();
    assert!(!wrong.status.success(), "and refuses it for a host it does not name");
    let key = Command::new("openssl").args(["pkey", "-noout", "-in"]).arg(out_dir.join("server.key")).output().unwrap();
    assert!(key.status.success(), "the key reads as a PKCS#8 private key: {}", String::from_utf8_lossy(&key.stderr));
}
