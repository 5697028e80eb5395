//! `btlp`: the command-line tool over the core library, for administrators and scripts. Every command takes
//! `--db PATH`; credentials come from `BTLP_USER` / `BTLP_PASSWORD` or are asked for.
use btlp_commission::cases::{self, CaseState};
use btlp_commission::error::Rule;
use btlp_commission::i18n::tr;
use btlp_commission::org::NewOrganization;
use btlp_commission::people::{NewUser, Role};
use btlp_commission::signatures::RecordKind;
use btlp_commission::signing::ca;
use btlp_commission::validate::{show_date, show_snils};
use btlp_commission::{clinic, commission, demo, icd, patients, pki, signatures};
use btlp_commission::{Error, Lang, Result, Session};
use clap::{Parser, Subcommand};

#[path = "btlp/production.rs"]
mod production;
#[path = "btlp/reporting.rs"]
mod reporting;
#[path = "btlp/signing.rs"]
mod signing;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "btlp",
    version,
    about = "Врачебная комиссия: индивидуальные БТЛП / Medical commission for individual BTLP"
)]
struct Cli {
    /// Language of messages: ru (default) or en; also BTLP_LANG.
    #[arg(long, global = true, env = "BTLP_LANG")]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
pub(crate) struct DbArg {
    /// The clinic database file; also BTLP_DB.
    #[arg(long, env = "BTLP_DB")]
    pub(crate) db: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Create an encrypted clinic database with its organization and first administrator.
    Init {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        org_name: String,
        #[arg(long)]
        licence: String,
        #[arg(long)]
        permit_number: String,
        /// ДД.ММ.ГГГГ
        #[arg(long)]
        permit_date: String,
        /// The organization has an intensive care unit.
        #[arg(long)]
        icu: bool,
        #[arg(long)]
        admin_login: String,
        /// Фамилия Имя Отчество
        #[arg(long)]
        admin_name: String,
        #[arg(long, default_value = "Администратор")]
        admin_position: String,
    },
    /// Create a demo clinic database and print the demo users with their passwords.
    Demo {
        #[command(flatten)]
        db: DbArg,
    },
    /// Cases.
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// Decisions of the commission.
    Decision {
        #[command(subcommand)]
        command: DecisionCommand,
    },
    /// Meetings' protocols and agendas, by protocol number such as 12/2026.
    Protocol {
        #[command(subcommand)]
        command: ProtocolCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a signed consent or administration record.
    Record {
        /// consent or administration
        kind: String,
        id: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check every signature of a PDF: the clinic key's, tokens' and GOST ones (through OpenSSL's gost engine).
    Verify {
        file: PathBuf,
        /// The clinic database (its roots, imported roots and revocation list); needs a sign-in. Not read when
        /// --root is given.
        #[arg(long, env = "BTLP_DB")]
        db: Option<PathBuf>,
        /// A trusted root certificate file (PEM, one or more certificates), repeated for each: the clinic's, as
        /// written by export-root, first, then any other (an archive's trusted-roots.pem).
        #[arg(long)]
        root: Vec<PathBuf>,
    },
    /// Write the clinic's root certificate (PEM) for outside verifiers.
    ExportRoot {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Back the database up (admins): a new folder under --out with the database (SQLite online backup,
    /// consistent while the app writes), its key file and a manifest with SHA-256; keeps the newest --keep.
    Backup {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
        /// How many backups to keep in --out (0 keeps all).
        #[arg(long, default_value_t = 10)]
        keep: usize,
    },
    /// Verify a backup and restore it into a new database file (never over an existing one); checks it opens
    /// with BTLP_USER's password, its integrity and its audit chain.
    Restore {
        /// The backup's folder.
        backup: PathBuf,
        /// The new database file.
        #[arg(long)]
        to: PathBuf,
    },
    /// Signing certificates.
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
    /// How members sign (clinic key, PKCS#11 token, external GOST tool) and the roots the clinic trusts.
    Signing {
        #[command(subcommand)]
        command: signing::SigningCommand,
    },
    /// Reports to Roszdravnadzor: fact of use, adverse reactions, benefit–risk.
    Report {
        #[command(subcommand)]
        command: reporting::ReportCommand,
    },
    /// Everything due or overdue: reports, the permit's confirmation, decisions whose window ends.
    Due {
        #[command(flatten)]
        db: DbArg,
    },
    /// Export the commission's journal of decisions (XLSX, CSV or PDF).
    Journal {
        #[command(flatten)]
        db: DbArg,
        /// ДД.ММ.ГГГГ; empty for no lower bound.
        #[arg(long, default_value = "")]
        from: String,
        /// ДД.ММ.ГГГГ; empty for no upper bound.
        #[arg(long, default_value = "")]
        to: String,
        /// xlsx, csv or pdf
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// Why the data leave the clinic (e.g. «запрос Росздравнадзора № 12»): kept in the export log.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Export signed decisions as one ZIP with a manifest and the clinic's root certificate (admins).
    Export {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
        /// ДД.ММ.ГГГГ; without --from and --to every decision is exported.
        #[arg(long, default_value = "")]
        from: String,
        #[arg(long, default_value = "")]
        to: String,
        /// Only this patient's decisions (the patient's id).
        #[arg(long)]
        patient: Option<String>,
        /// Why the data leave the clinic (e.g. «запрос Росздравнадзора № 12»): kept in the export log.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Production rooms and their bookings.
    Room {
        #[command(subcommand)]
        command: production::RoomCommand,
    },
    /// Batches: stages, labels, disposal.
    Batch {
        #[command(subcommand)]
        command: production::BatchCommand,
    },
    /// Quality control: tests, results, release, the journal.
    Qc {
        #[command(subcommand)]
        command: production::QcCommand,
    },
    /// The Ministry permit: history, applications, the requirements checklist.
    Permit {
        #[command(subcommand)]
        command: production::PermitCommand,
    },
    /// Build a large clinic for benchmarks (the demo clinic plus 100,000 cases, 300,000 decisions and
    /// administrations, 30,000 adverse reactions, 10,000 signed decisions by default); deterministic rows.
    Seed {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, default_value_t = 100_000)]
        cases: usize,
        #[arg(long, default_value_t = 10_000)]
        signed: usize,
    },
    /// The МКБ-10 catalogue.
    Icd {
        #[command(subcommand)]
        command: IcdCommand,
    },
    /// TLS for the clinic server.
    Tls {
        #[command(subcommand)]
        command: TlsCommand,
    },
    /// The clinic server's unlock file: a secret that opens the database at start (admins).
    UnlockFile {
        #[command(subcommand)]
        command: UnlockFileCommand,
    },
    /// Run the clinic server: every workstation on this database over HTTPS (README, "Running the clinic
    /// server"). Exactly one of --unlock-prompt, --unlock-credential, --unlock-file.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// ADDR:PORT, e.g. 0.0.0.0:8443
        #[arg(long)]
        listen: std::net::SocketAddr,
        /// The server's certificate chain (PEM), e.g. from `btlp tls issue`.
        #[arg(long)]
        tls_cert: PathBuf,
        /// The server's private key (PEM).
        #[arg(long)]
        tls_key: PathBuf,
        /// An admin signs in here (BTLP_USER / BTLP_PASSWORD, or asked for) to open the database.
        #[arg(long)]
        unlock_prompt: bool,
        /// The unlock file's secret as a systemd credential: $CREDENTIALS_DIRECTORY/NAME.
        #[arg(long, value_name = "NAME")]
        unlock_credential: Option<String>,
        /// The unlock file made by `btlp unlock-file create` (mode 0400/0600, owned by the server's user).
        #[arg(long, value_name = "PATH")]
        unlock_file: Option<PathBuf>,
        /// A session ends after this many minutes without a request (and after 12 hours in any case);
        /// fractions are allowed (0.1 is six seconds).
        #[arg(long, default_value_t = 15.0)]
        idle_minutes: f64,
        /// The web build of the UI, served at / for browsers (default: /usr/share/btlp-commission/web if there).
        #[arg(long, value_name = "DIR")]
        web: Option<PathBuf>,
    },
    /// Write the connection file an admin hands to workstations: the server's address and the clinic root.
    ConnectFile {
        #[command(flatten)]
        db: DbArg,
        /// https://HOST:PORT of the clinic server
        #[arg(long)]
        url: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum UnlockFileCommand {
    /// Write a new unlock file (mode 0600) and register it in the key file.
    Create {
        path: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Stop the unlock file from opening the database.
    Remove {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum TlsCommand {
    /// Issue the clinic server's certificate, signed by the clinic root (admins): writes DIR/server.pem and
    /// DIR/server.key (readable by the file's owner only).
    Issue {
        #[command(flatten)]
        db: DbArg,
        /// The names the server answers to: HOST[,IP…], e.g. btlp.clinic.local,192.168.1.10
        #[arg(long)]
        san: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// One line per case.
    List {
        #[command(flatten)]
        db: DbArg,
        /// Only cases in this state (draft, submitted, assessed, scheduled, decided).
        #[arg(long)]
        state: Option<String>,
    },
    /// Everything stored about one case.
    Show {
        id: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum DecisionCommand {
    /// One line per decision, with its number such as 17/2026.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Write a decision's stored PDF (fully signed once every signer has signed).
    Pdf {
        number: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a decision as the signed-in user (BTLP_USER / BTLP_PASSWORD).
    Sign {
        number: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum ProtocolCommand {
    /// Write a meeting's protocol: the stored signed (or partly signed) PDF, else its unsigned rendering.
    Pdf {
        number: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a meeting's agenda as PDF, for printing before it.
    Agenda {
        number: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a closed meeting's protocol as the signed-in user (BTLP_USER / BTLP_PASSWORD), in turn.
    Sign {
        number: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that nothing was changed behind the program's back: the whole file, or with --changes only what
    /// changed since the last intact check (seconds instead of minutes on a large clinic)
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// Only the changes since the last intact check (the whole check when there was none)
        #[arg(long)]
        changes: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; their password comes from BTLP_NEW_PASSWORD or is asked for.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        position: String,
        /// Comma-separated: admin, chair, deputy_chair, secretary, member, physician.
        #[arg(long)]
        roles: String,
    },
    /// List users.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Unlock an account locked after failed sign-ins (admins).
    Unlock {
        #[command(flatten)]
        db: DbArg,
        login: String,
    },
}

#[derive(Subcommand)]
enum CertCommand {
    /// List certificates.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Revoke a certificate by its serial number (admins).
    Revoke {
        serial: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum IcdCommand {
    /// Load the Ministry of Health's МКБ-10 reference file (CSV with MKB_CODE and MKB_NAME columns).
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
}

fn main() -> ExitCode {
    // Like other command-line tools, end quietly when the reader of our output goes away (`btlp … | head`)
    // instead of panicking on the broken pipe: Rust ignores SIGPIPE unless told otherwise.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let lang = cli.lang.as_deref().map(Lang::parse).unwrap_or_default();
    show_slow_opens(lang);
    match run(cli.command, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {}", tr(lang, "cli.error", &[]), e.message(lang));
            ExitCode::FAILURE
        }
    }
}

/// The first open after an upgrade can take a while on a large clinic: say what it is doing on stderr (one
/// line kept up to date on a terminal, a line per step in a log).
fn show_slow_opens(lang: Lang) {
    use btlp_commission::db::Opening;
    let terminal = std::io::stderr().is_terminal();
    btlp_commission::db::observe_opening(move |what| {
        let line = match what {
            Opening::Migrating => tr(lang, "cli.opening_migrating", &[]),
            Opening::Sealing { done, total } => tr(
                lang,
                "cli.opening_sealing",
                &[
                    ("done", done.to_string()),
                    ("total", total.to_string()),
                    ("percent", (done * 100 / total.max(1)).to_string()),
                ],
            ),
            Opening::Done => tr(lang, "cli.opening_done", &[]),
        };
        if terminal {
            let end = if what == Opening::Done { "\n" } else { "" };
            eprint!("\r\x1b[2K{line}{end}");
        } else {
            eprintln!("{line}");
        }
    });
}

type UnlockArgs = (bool, Option<String>, Option<PathBuf>);

/// `btlp serve`: opens the key the one way given, then serves until SIGTERM or Ctrl+C.
fn serve(lang: Lang, config: btlp_server::Config, (prompt, credential, file): UnlockArgs) -> Result<()> {
    use btlp_server::unlock::{self, Unlock};
    // Every sign-in and signature hashes with argon2id in a 19 MiB block. glibc raises its mmap threshold after
    // the first such block is freed and then carves the next ones from the heap, where each session's small
    // allocations pin them: measured, about 19 MiB kept per session (50 sessions: 0.9 GiB). A fixed threshold
    // keeps big blocks in mmap, returned to the system when freed (50 sessions: tens of MiB).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning, before the server's threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let how = match (prompt, credential, file) {
        (true, None, None) => {
            let (login, password) = credentials(lang)?;
            Unlock::Prompt { login, password }
        }
        (false, Some(name), None) => {
            let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") else {
                eprintln!("{}", tr(lang, "cli.serve_no_credentials_dir", &[]));
                std::process::exit(2);
            };
            let path = unlock::credential_path(Path::new(&dir), &name)?;
            Unlock::Credential(path.display().to_string())
        }
        (false, None, Some(path)) => Unlock::File(path),
        _ => {
            eprintln!("{}", tr(lang, "cli.serve_unlock_one", &[]));
            std::process::exit(2);
        }
    };
    let key = unlock::key(&config.db, how)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served = runtime.block_on(btlp_server::serve(config, key, |addr| {
        println!("{}", tr(lang, "cli.serve_listening", &[("addr", addr.to_string())]));
    }));
    if let Err(e) = served {
        eprintln!("{}", tr(lang, "cli.serve_tls", &[("detail", e.to_string())]));
        std::process::exit(1);
    }
    println!("{}", tr(lang, "cli.serve_stopped", &[]));
    Ok(())
}

fn prompt(lang: Lang, key: &str) -> Result<String> {
    eprint!("{}: ", tr(lang, key, &[]));
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

pub(crate) fn password(lang: Lang, var: &str, key: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return prompt(lang, key);
    }
    Ok(rpassword::prompt_password(format!("{}: ", tr(lang, key, &[])))?)
}

/// Writes a secret file readable and writable by its owner only (mode 0600 from its creation, never wider).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    #[cfg(unix)]
    f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

pub(crate) fn sign_in(db: &Path, lang: Lang) -> Result<Session> {
    let (login, password) = credentials(lang)?;
    let session = clinic::sign_in(db, &login, &password)?;
    if session.readable_by_others() {
        eprintln!("{}", tr(lang, "cli.storage_exposed", &[("path", db.display().to_string())]));
    }
    Ok(session)
}

/// The user's login and password: `BTLP_USER` / `BTLP_PASSWORD`, or asked for.
fn credentials(lang: Lang) -> Result<(String, String)> {
    let login = match std::env::var("BTLP_USER") {
        Ok(u) => u,
        Err(_) => prompt(lang, "cli.prompt_login")?,
    };
    Ok((login, password(lang, "BTLP_PASSWORD", "cli.prompt_password")?))
}

fn run(command: Command, lang: Lang) -> Result<()> {
    match command {
        Command::Init {
            db,
            org_name,
            licence,
            permit_number,
            permit_date,
            icu,
            admin_login,
            admin_name,
            admin_position,
        } => {
            let org = NewOrganization { name: org_name, licence, permit_number, permit_date, icu_present: icu };
            let password = password(lang, "BTLP_PASSWORD", "cli.prompt_new_password")?;
            let admin = NewUser {
                login: admin_login,
                full_name: admin_name,
                position: admin_position,
                roles: vec![Role::Admin],
                password,
            };
            let s = clinic::init(&db.db, &org, &admin)?;
            println!("{}", tr(lang, "cli.created", &[("path", s.path().display().to_string())]));
            Ok(())
        }
        Command::Demo { db } => {
            demo::build(&db.db)?;
            println!("{}", tr(lang, "cli.created", &[("path", db.db.display().to_string())]));
            println!("{}", tr(lang, "cli.demo_users", &[]));
            for u in &demo::USERS {
                let role = tr(lang, &format!("role.{}", u.role.code()), &[]);
                println!("  {:<10} {:<16} {:<28} {}", u.login, u.password, u.full_name, role);
            }
            Ok(())
        }
        Command::Case { command: CaseCommand::List { db, state } } => {
            let s = sign_in(&db.db, lang)?;
            let state = state.map(|st| parse_state(&st)).transpose()?;
            for c in cases::list(s.db.conn(), state, i64::MAX, 0)? {
                let p = patients::get(s.db.conn(), c.patient_id)?;
                let state = tr(lang, &format!("state.{}", c.state.code()), &[]);
                println!("{}  {:<12} {:<6} {:<32} {}", c.id, state, c.icd_code, p.full_name(), c.product_name);
            }
            Ok(())
        }
        Command::Case { command: CaseCommand::Show { id, db } } => {
            let s = sign_in(&db.db, lang)?;
            show_case(&s, &id, lang)
        }
        Command::Decision { command: DecisionCommand::List { db } } => {
            let s = sign_in(&db.db, lang)?;
            for d in commission::decisions(s.db.conn(), None, i64::MAX, 0)? {
                let c = cases::get(s.db.conn(), d.case_id)?;
                let p = patients::get(s.db.conn(), c.patient_id)?;
                let outcome = tr(lang, &format!("outcome.{}", d.outcome.code()), &[]);
                let used = if d.used { tr(lang, "cli.administered", &[]) } else { String::new() };
                println!(
                    "{:<10} {}  {:<10} {:<32} {}",
                    d.number,
                    show_date(d.decided_on),
                    outcome,
                    p.full_name(),
                    used
                );
            }
            Ok(())
        }
        Command::Protocol { command: ProtocolCommand::Pdf { number, db, out } } => {
            let s = sign_in(&db.db, lang)?;
            let m = commission::meeting_by_protocol(s.db.conn(), &number)?;
            let (pdf, complete) = match signatures::minutes_pdf(s.db.conn(), m)? {
                Some(stored) => stored,
                None => (btlp_commission::documents::render_minutes(s.db.conn(), m, lang)?.pdf, false),
            };
            btlp_commission::files::write_private(&out, &pdf)?;
            if !complete {
                eprintln!("{}", tr(lang, "cli.unsigned_pdf", &[]));
            }
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        Command::Protocol { command: ProtocolCommand::Agenda { number, db, out } } => {
            let s = sign_in(&db.db, lang)?;
            let m = commission::meeting_by_protocol(s.db.conn(), &number)?;
            btlp_commission::files::write_private(
                &out,
                &btlp_commission::documents::render_agenda(s.db.conn(), m, lang)?,
            )?;
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        Command::Protocol { command: ProtocolCommand::Sign { number, db } } => {
            let mut s = sign_in(&db.db, lang)?;
            let m = commission::meeting_by_protocol(s.db.conn(), &number)?;
            let (password, pin) = signing::signing_secret(&s, lang)?;
            let actor = s.actor.clone();
            let secret = signatures::Secret { password: &password, pin: pin.as_deref() };
            let st = signatures::sign_minutes(&mut s.db, &actor, m, secret, lang)?;
            let n = st.signers.iter().filter(|(_, at)| at.is_some()).count();
            println!("{}", tr(lang, "cli.signed_by", &[("n", n.to_string()), ("total", st.signers.len().to_string())]));
            Ok(())
        }
        Command::Decision { command: DecisionCommand::Pdf { number, db, out } } => {
            let s = sign_in(&db.db, lang)?;
            let d = commission::by_number(s.db.conn(), &number)?;
            let Some((pdf, complete)) = signatures::decision_pdf(s.db.conn(), d.id)? else {
                return Err(Error::Refused(Rule::DecisionUnsigned));
            };
            btlp_commission::files::write_private(&out, &pdf)?;
            if !complete {
                eprintln!("{}", tr(lang, "cli.unsigned_pdf", &[]));
            }
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        Command::Decision { command: DecisionCommand::Sign { number, db } } => {
            let mut s = sign_in(&db.db, lang)?;
            let d = commission::by_number(s.db.conn(), &number)?;
            let (password, pin) = signing::signing_secret(&s, lang)?;
            let actor = s.actor.clone();
            let secret = signatures::Secret { password: &password, pin: pin.as_deref() };
            let st = signatures::sign_decision(&mut s.db, &actor, d.id, secret, lang)?;
            let n = st.signers.iter().filter(|(_, at)| at.is_some()).count();
            println!("{}", tr(lang, "cli.signed_by", &[("n", n.to_string()), ("total", st.signers.len().to_string())]));
            Ok(())
        }
        Command::Record { kind, id, db, out } => {
            let s = sign_in(&db.db, lang)?;
            let (kind, entity) = match kind.as_str() {
                "consent" => (RecordKind::Consent, "consent"),
                "administration" => (RecordKind::Administration, "administration"),
                _ => {
                    let allowed = "consent, administration".to_string();
                    return Err(Error::invalid("kind", btlp_commission::error::Check::OneOf { allowed }));
                }
            };
            let id = uuid::Uuid::parse_str(id.trim())
                .map_err(|_| Error::invalid("id", btlp_commission::error::Check::OneOf { allowed: "UUID".into() }))?;
            let pdf =
                signatures::record_pdf(s.db.conn(), kind, id)?.ok_or(Error::NotFound { entity, id: id.to_string() })?;
            btlp_commission::files::write_private(&out, &pdf)?;
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        Command::Verify { file, db, root } => verify(lang, &file, db.as_deref(), &root),
        Command::Tls { command: TlsCommand::Issue { db, san, out } } => {
            let mut s = sign_in(&db.db, lang)?;
            let tls = s.issue_server_tls(&san)?;
            std::fs::create_dir_all(&out)?;
            let (cert, key) = (out.join("server.pem"), out.join("server.key"));
            write_private(&key, tls.key_pem.as_bytes())?;
            std::fs::write(&cert, &tls.cert_pem)?;
            let args =
                [("serial", tls.serial), ("cert", cert.display().to_string()), ("key", key.display().to_string())];
            println!("{}", tr(lang, "cli.tls_written", &args));
            Ok(())
        }
        Command::UnlockFile { command: UnlockFileCommand::Create { path, db } } => {
            sign_in(&db.db, lang)?.create_unlock_file(&path)?;
            println!("{}", tr(lang, "cli.unlock_file_created", &[("path", path.display().to_string())]));
            Ok(())
        }
        Command::UnlockFile { command: UnlockFileCommand::Remove { db } } => {
            sign_in(&db.db, lang)?.remove_unlock_file()?;
            println!("{}", tr(lang, "cli.unlock_file_removed", &[]));
            Ok(())
        }
        Command::Backup { db, out, keep } => {
            let mut s = sign_in(&db.db, lang)?;
            let done = s.backup(&out, keep)?;
            println!("{}", tr(lang, "cli.written", &[("path", done.display().to_string())]));
            Ok(())
        }
        Command::Restore { backup, to } => {
            let (login, password) = credentials(lang)?;
            btlp_commission::backup::restore(&backup, &to, &login, &password)?;
            println!("{}", tr(lang, "cli.written", &[("path", to.display().to_string())]));
            Ok(())
        }
        Command::Serve {
            db,
            listen,
            tls_cert,
            tls_key,
            unlock_prompt,
            unlock_credential,
            unlock_file,
            idle_minutes,
            web,
        } => serve(
            lang,
            btlp_server::Config {
                db: db.db,
                listen,
                tls_cert,
                tls_key,
                idle: std::time::Duration::from_secs_f64(minutes(idle_minutes) * 60.0),
                web: web.or_else(|| {
                    let installed = PathBuf::from("/usr/share/btlp-commission/web");
                    installed.join("index.html").exists().then_some(installed)
                }),
            },
            (unlock_prompt, unlock_credential, unlock_file),
        ),
        Command::ConnectFile { db, url, out } => {
            let s = sign_in(&db.db, lang)?;
            let root = ca::to_pem(&pki::root_cert(s.db.conn())?);
            let file = btlp_api::connection::ConnectionFile::new(&url, &root)?;
            std::fs::write(&out, serde_json::to_vec_pretty(&file).unwrap_or_default())?;
            let args = [("path", out.display().to_string()), ("fingerprint", file.fingerprint()?)];
            println!("{}", tr(lang, "cli.connect_file_written", &args));
            Ok(())
        }
        Command::ExportRoot { db, out } => {
            let s = sign_in(&db.db, lang)?;
            std::fs::write(&out, ca::to_pem(&pki::root_cert(s.db.conn())?))?;
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        Command::Cert { command: CertCommand::List { db } } => {
            let s = sign_in(&db.db, lang)?;
            for c in pki::list(s.db.conn())? {
                let revoked = c.revoked_at.map(|t| format!("  × {t}")).unwrap_or_default();
                println!("{:<18} {:<12} {:<32} {}{}", c.serial, c.login, c.full_name, &c.not_after[..10], revoked);
            }
            Ok(())
        }
        Command::Cert { command: CertCommand::Revoke { serial, db } } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            pki::revoke(&mut s.db, &actor, &serial)?;
            println!("{}", tr(lang, "cli.done", &[]));
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { db, changes } } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let report = if changes {
                btlp_commission::integrity::check_changes(&mut s.db, &actor)?
            } else {
                btlp_commission::integrity::check(&mut s.db, &actor)?
            };
            match &report.scope {
                btlp_commission::integrity::Scope::Changes { since } => {
                    println!("{}", tr(lang, "cli.integrity_since", &[("at", btlp_api::dto::moment(since))]))
                }
                btlp_commission::integrity::Scope::Whole => println!("{}", tr(lang, "cli.integrity_whole", &[])),
            }
            for line in report.sqlite.iter().filter(|l| *l != "ok") {
                println!("{}", tr(lang, "cli.sqlite_damaged", &[("detail", line.clone())]));
            }
            match report.audit_broken_at {
                None => println!("{}", tr(lang, "cli.audit_intact", &[("n", report.audit_entries.to_string())])),
                Some(seq) => println!("{}", tr(lang, "cli.audit_broken", &[("seq", seq.to_string())])),
            }
            println!("{}", tr(lang, "cli.documents_checked", &[("n", report.documents_checked.to_string())]));
            for d in &report.changed_documents {
                let kind = tr(lang, &format!("cli.document_kind.{}", d.kind), &[]);
                println!("{}", tr(lang, "cli.document_changed", &[("kind", kind), ("id", d.id.clone())]));
            }
            println!("{}", tr(lang, "cli.rows_checked", &[("n", report.rows_checked.to_string())]));
            for r in &report.rows {
                let args = [("table", r.table.clone()), ("row", r.row.clone())];
                println!("{}", tr(lang, &format!("cli.row_{}", r.kind.code()), &args));
            }
            for f in &report.schema {
                let args = [("kind", f.kind.clone()), ("name", f.name.clone())];
                println!("{}", tr(lang, &format!("cli.schema_{}", f.state), &args));
            }
            if !report.intact() {
                // A finding is not a failure to run: exit code 2 lets scripts tell them apart.
                std::process::exit(2);
            }
            println!("{}", tr(lang, "cli.integrity_ok", &[]));
            Ok(())
        }
        Command::User { command: UserCommand::Add { db, login, name, position, roles } } => {
            let mut s = sign_in(&db.db, lang)?;
            let roles = roles.split(',').map(|r| Role::parse("roles", r)).collect::<Result<Vec<_>>>()?;
            let password = password(lang, "BTLP_NEW_PASSWORD", "cli.prompt_new_password")?;
            s.add_user(&NewUser { login, full_name: name, position, roles, password })?;
            println!("{}", tr(lang, "cli.done", &[]));
            Ok(())
        }
        Command::User { command: UserCommand::List { db } } => {
            let s = sign_in(&db.db, lang)?;
            for u in btlp_commission::people::list(&s.db)? {
                let roles: Vec<String> = u.roles.iter().map(|r| tr(lang, &format!("role.{}", r.code()), &[])).collect();
                let active = if u.active { "" } else { "×" };
                let locked = if u.locked { tr(lang, "cli.user_locked", &[]) } else { String::new() };
                println!("{:<12} {:<32} {} {} {}", u.login, u.full_name, roles.join(", "), active, locked);
            }
            Ok(())
        }
        Command::User { command: UserCommand::Unlock { db, login } } => {
            let mut s = sign_in(&db.db, lang)?;
            s.unlock(&login)?;
            println!("{}", tr(lang, "cli.done", &[]));
            Ok(())
        }
        Command::Report { command } => reporting::report(command, lang),
        Command::Signing { command } => signing::run(command, lang),
        Command::Due { db } => reporting::due(db, lang),
        Command::Room { command } => production::room(command, lang),
        Command::Batch { command } => production::batch(command, lang),
        Command::Qc { command } => production::qc(command, lang),
        Command::Permit { command } => production::permit(command, lang),
        Command::Journal { db, from, to, format, out, reason } => {
            reporting::journal(db, &reason, from, to, format, out, lang)
        }
        Command::Export { db, out, from, to, patient, reason } => {
            let patient = patient.as_deref().map(|p| btlp_commission::validate::id("patient", p)).transpose()?;
            reporting::export(db, &reason, btlp_commission::exports::Selection { from, to, patient }, out, lang)
        }
        Command::Seed { db, cases, signed } => {
            let plan = btlp_commission::seed::Plan { cases, signed, ..Default::default() };
            let done = btlp_commission::seed::seed(&db.db, &plan, |what| eprintln!("{what}"))?;
            println!(
                "{}",
                tr(
                    lang,
                    "cli.seeded",
                    &[
                        ("decisions", done.decisions.to_string()),
                        ("reactions", done.reactions.to_string()),
                        ("signed", done.signed.to_string()),
                        ("rows", format!("{:.1}", done.rows_seconds)),
                        ("signing", format!("{:.1}", done.signing_seconds)),
                    ]
                )
            );
            Ok(())
        }
        Command::Icd { command: IcdCommand::Import { file, db } } => {
            let mut s = sign_in(&db.db, lang)?;
            let bytes = std::fs::read(&file)?;
            let n = icd::import_file(&mut s.db, &s.actor.clone(), &bytes)?;
            println!("{}", tr(lang, "cli.icd_imported", &[("n", n.to_string())]));
            Ok(())
        }
    }
}

fn verify(lang: Lang, file: &Path, db: Option<&Path>, roots: &[PathBuf]) -> Result<()> {
    let pdf = std::fs::read(file)?;
    let checks = match (db, roots) {
        (_, [_, ..]) => {
            // Every certificate of every file, in order: the first is the clinic's root.
            let mut all = Vec::new();
            for path in roots {
                let text = std::fs::read_to_string(path)?;
                for block in text.split_inclusive("-----END CERTIFICATE-----").filter(|b| b.contains("-----BEGIN")) {
                    all.push(ca::from_pem(block)?);
                }
            }
            let Some((clinic_root, imported)) = all.split_first() else {
                return Err(Error::invalid("root", btlp_commission::error::Check::NotACertificate));
            };
            let openssl = btlp_commission::signing::external::OpensslGost::default();
            let trust = btlp_commission::signing::pades::Trust {
                clinic_root,
                imported_roots: imported,
                revoked: &[],
                revoked_sha256: &[],
                gost: Some(&openssl),
            };
            btlp_commission::signing::pades::verify_trusting(&pdf, &trust)?
        }
        (Some(db), []) => signatures::verify_with_db(sign_in(db, lang)?.db.conn(), &pdf)?,
        (None, []) => return Err(Error::invalid("root", btlp_commission::error::Check::Required)),
    };
    if checks.is_empty() {
        println!("{}", tr(lang, "cli.verify_none", &[]));
        std::process::exit(2);
    }
    for (i, c) in checks.iter().enumerate() {
        let verdict = if c.valid() {
            "cli.verify_ok"
        } else if c.untrusted() {
            "cli.verify_untrusted"
        } else {
            "cli.verify_bad"
        };
        let time = c.signing_time.map(|t| t.format("%d.%m.%Y %H:%M:%S %:z").to_string()).unwrap_or_default();
        let args = [
            ("n", (i + 1).to_string()),
            ("verdict", tr(lang, verdict, &[])),
            ("name", c.signer_cn.clone()),
            ("serial", c.signer_serial_hex.clone()),
            ("time", time),
        ];
        println!("{}", tr(lang, "cli.verify_line", &args));
        let algorithm = tr(lang, &format!("signature_algorithm.{}", c.algorithm.code()), &[]);
        println!("    {}", tr(lang, "cli.verify_algorithm", &[("algorithm", algorithm)]));
        if let Some(cert) = &c.certificate {
            let details = [
                ("snils", cert.snils.as_deref().map(show_snils).unwrap_or_else(|| "—".into())),
                ("inn", cert.inn.clone().unwrap_or_else(|| "—".into())),
                ("issuer", cert.issuer_cn.clone()),
                ("from", show_date(cert.not_before.date_naive())),
                ("to", show_date(cert.not_after.date_naive())),
            ];
            println!("    {}", tr(lang, "cli.verify_certificate", &details));
        }
        for (ok, key) in [
            (!c.unverifiable, "cli.verify_unverifiable"),
            (c.intact || c.unverifiable, "cli.verify_intact_no"),
            (c.chain_ok || !c.intact, "cli.verify_chain_no"),
            (!c.revoked, "cli.verify_revoked"),
            (c.covers_revision, "cli.verify_revision_no"),
            (c.later_changes_only_signatures, "cli.verify_later_no"),
        ] {
            if !ok {
                println!("    {}", tr(lang, key, &[]));
            }
        }
    }
    if checks.iter().all(|c| c.valid()) {
        println!("{}", tr(lang, "cli.verify_summary_ok", &[("n", checks.len().to_string())]));
        Ok(())
    } else {
        println!("{}", tr(lang, "cli.verify_summary_bad", &[]));
        std::process::exit(2);
    }
}

fn parse_state(code: &str) -> Result<CaseState> {
    CaseState::ALL.into_iter().find(|s| s.code() == code.trim()).ok_or_else(|| {
        let allowed = CaseState::ALL.map(|s| s.code()).join(", ");
        Error::invalid("state", btlp_commission::error::Check::OneOf { allowed })
    })
}

fn show_case(s: &Session, id: &str, lang: Lang) -> Result<()> {
    let screen = btlp_commission::screens::case(s.db.conn(), cases::parse_id(id)?, s.db.today())?;
    let (c, p) = (&screen.case, &screen.patient);
    let t = |key: &str| tr(lang, key, &[]);
    let line = |key: &str, value: String| println!("{:<28} {}", t(&format!("field.{key}")), value);
    line("case_id", c.id.to_string());
    line("state", t(&format!("state.{}", c.state.code())));
    line("patient", format!("{}, {}", p.full_name(), show_date(p.birth_date)));
    line("snils", p.snils.as_deref().map(show_snils).unwrap_or_default());
    if let Some(r) = &p.representative {
        line("rep_full_name", format!("{} ({})", r.full_name, r.relation));
    }
    line("icd_code", format!("{} {}", c.icd_code, screen.icd_title));
    line("indication", c.indication.clone());
    line("product_name", c.product_name.clone());
    line("genetic_study", c.genetic_study.clone());
    let setting = c.setting.map(|st| t(&format!("setting.{}", st.code()))).unwrap_or_default();
    line("setting", format!("{} {}", setting, c.department.clone().unwrap_or_default()));
    println!("\n{}", t("cli.assessment"));
    for f in &screen.findings {
        println!("  {}: {} — {}", t(&format!("finding.{}", f.kind.code())), f.finding, f.justification);
    }
    println!("\n{}", t("cli.consents"));
    for k in &screen.consents {
        let withdrawn =
            k.withdrawn_on.map(|d| format!(" — {} {}", t("cli.withdrawn"), show_date(d))).unwrap_or_default();
        println!("  {} {} ({}){} [{}]", show_date(k.signed_on), k.signer_name, k.form_version, withdrawn, k.id);
    }
    println!("\n{}", t("cli.decisions"));
    for (d, _) in &screen.decisions {
        let outcome = t(&format!("outcome.{}", d.outcome.code()));
        println!(
            "  № {} {} {} ({} {} / {} {} / {} {}); {}–{}",
            d.number,
            show_date(d.decided_on),
            outcome,
            t("outcome.for"),
            d.votes_for,
            t("outcome.against"),
            d.votes_against,
            t("outcome.abstain"),
            d.votes_abstain,
            show_date(d.window_from),
            show_date(d.window_to)
        );
    }
    println!("\n{}", t("cli.administrations"));
    for (a, reactions) in &screen.administrations {
        println!("  {} {} {} {} [{}]", a.administered_at.format("%d.%m.%Y %H:%M"), a.dose, a.route, a.batch, a.id);
        for r in reactions {
            println!("    {} {}: {}", t("cli.reaction"), show_date(r.onset_on), r.description);
        }
    }
    Ok(())
}

/// `--idle-minutes` kept between three seconds and the 12 hours a session lives anyway (15 if not a number).
fn minutes(given: f64) -> f64 {
    if given.is_finite() {
        given.clamp(0.05, 720.0)
    } else {
        15.0
    }
}
