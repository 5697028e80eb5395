//! The production and permit commands: rooms and bookings, batches and their stages, labels, the
//! quality-control journal and release, the permit's history, applications and the requirements checklist.
use super::{sign_in, DbArg};
use btlp_commission::i18n::tr;
use btlp_commission::journal::Format;
use btlp_commission::org::{applications, checklist, permit};
use btlp_commission::production::{self, qc, Batch, Disposal, NewStage};
use btlp_commission::validate::show_date;
use btlp_commission::{documents, Error, Lang, Result, Session};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum RoomCommand {
    /// Production rooms with their cleaning time.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Add a production room (admins, production staff).
    Add {
        name: String,
        #[command(flatten)]
        db: DbArg,
        /// Minutes of cleaning after each use before another drug may enter.
        #[arg(long, default_value_t = 0)]
        cleaning: u32,
    },
    /// Book a room for making a drug (production staff); refused if another drug is there then.
    Book {
        /// The room's name.
        room: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        product: String,
        /// ДД.ММ.ГГГГ ЧЧ:ММ
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "Производство")]
        purpose: String,
    },
}

#[derive(Subcommand)]
pub enum BatchCommand {
    /// Batches, newest first: code, latest stage, patient.
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Start a batch of a case's product for its patient (production staff); prints its label code.
    New {
        #[command(flatten)]
        db: DbArg,
        /// The case's id.
        #[arg(long)]
        case: String,
        /// The product's short Latin code, e.g. CART19.
        #[arg(long)]
        product: String,
    },
    /// A batch's stages and quality-control tests.
    Show {
        code: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Record a stage: collection, genetic_study, manufacture, quality_control, storage, transport.
    Stage {
        code: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        stage: String,
        /// ДД.ММ.ГГГГ ЧЧ:ММ
        #[arg(long)]
        at: String,
        #[arg(long)]
        place: String,
        #[arg(long)]
        result: String,
    },
    /// Record the disposal of a batch.
    Dispose {
        code: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        at: String,
        #[arg(long)]
        place: String,
        #[arg(long)]
        quantity: String,
        #[arg(long)]
        method: String,
        #[arg(long)]
        reason: String,
    },
    /// Write the batch's label (PDF with the QR code of its chain-of-identity code).
    Label {
        code: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum QcCommand {
    /// Plan a test of a batch (QC staff).
    Plan {
        code: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        test: String,
        #[arg(long)]
        spec: String,
        #[arg(long)]
        method: String,
        /// The test is informative: release does not wait for it.
        #[arg(long)]
        optional: bool,
    },
    /// Record a test's result once (QC staff; the analyst is the signed-in user).
    Result {
        /// The test's id (from `batch show`).
        test: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        result: String,
        /// The result meets the specification (otherwise it failed).
        #[arg(long)]
        passed: bool,
        /// ДД.ММ.ГГГГ
        #[arg(long)]
        on: String,
    },
    /// Release a batch whose required tests all passed (QC staff).
    Release {
        code: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        at: String,
        #[arg(long)]
        place: String,
        /// ДД.ММ.ГГГГ
        #[arg(long)]
        expires: String,
        #[arg(long)]
        storage: String,
    },
    /// Export the quality-control journal as XLSX, CSV or PDF (QC staff, admins).
    Journal {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "")]
        from: String,
        #[arg(long, default_value = "")]
        to: String,
        /// Why the data leave the clinic (e.g. «запрос Росздравнадзора № 12»): kept in the export log.
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum PermitCommand {
    /// The permit's status history, its applications and the requirements checklist.
    Show {
        #[command(flatten)]
        db: DbArg,
    },
    /// Record a permit event: confirmed, suspended, reinstated, revoked (admins).
    Event {
        kind: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        on: String,
        /// The document that ordered it.
        #[arg(long)]
        reference: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Open an application to the Ministry: permit, confirmation or change (admins).
    Apply {
        kind: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        reference: String,
        /// The day it was submitted.
        #[arg(long)]
        on: String,
    },
    /// Record an application's next step: ministry_request, clinic_answer, expert_referral,
    /// expert_conclusion, decision (admins).
    Step {
        /// The application's id.
        application: String,
        step: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        on: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Attach an evidence document (PDF, JPEG, PNG) to a requirement (admins).
    Attach {
        requirement: String,
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        title: String,
        /// ДД.ММ.ГГГГ, when the document runs out.
        #[arg(long, default_value = "")]
        until: String,
    },
}

pub fn room(command: RoomCommand, lang: Lang) -> Result<()> {
    use btlp_commission::production::{self, NewBooking};
    match command {
        RoomCommand::List { db } => {
            let s = sign_in(&db.db, lang)?;
            for r in production::rooms(s.db.conn())? {
                println!("{:<40} {}", r.name, tr(lang, "cli.cleaning", &[("n", r.cleaning_minutes.to_string())]));
                for b in production::bookings(s.db.conn(), r.id)? {
                    let (from, to) = (b.starts_at.format("%d.%m.%Y %H:%M"), b.ends_at.format("%d.%m.%Y %H:%M"));
                    println!("    {from} — {to}  {}  ({})", b.product_name, b.purpose);
                }
            }
            Ok(())
        }
        RoomCommand::Add { name, db, cleaning } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            production::add_room(&mut s.db, &actor, &name, cleaning)?;
            println!("{}", tr(lang, "cli.done", &[]));
            Ok(())
        }
        RoomCommand::Book { room, db, product, from, to, purpose } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let found = production::rooms(s.db.conn())?.into_iter().find(|r| r.name == room.trim());
            let room = found.ok_or(Error::NotFound { entity: "room", id: room })?;
            let b = NewBooking { room_id: room.id, product_name: product, starts_at: from, ends_at: to, purpose };
            production::book(&mut s.db, &actor, &b)?;
            println!("{}", tr(lang, "cli.done", &[]));
            Ok(())
        }
    }
}

fn named(lang: Lang, prefix: &str, code: &str) -> String {
    tr(lang, &format!("{prefix}.{code}"), &[])
}

fn find(s: &Session, code: &str) -> Result<Batch> {
    production::by_code(s.db.conn(), code)?.ok_or_else(|| Error::NotFound { entity: "batch", id: code.to_string() })
}

fn done(lang: Lang) {
    println!("{}", tr(lang, "cli.done", &[]));
}

pub fn batch(command: BatchCommand, lang: Lang) -> Result<()> {
    match command {
        BatchCommand::List { db } => {
            let s = sign_in(&db.db, lang)?;
            for b in production::batches(s.db.conn(), None)? {
                let stage = b.last_stage.map(|st| named(lang, "stage", st.code())).unwrap_or_else(|| "—".into());
                println!("{:<26} {:<34} {}", b.code, stage, b.patient_name);
            }
            Ok(())
        }
        BatchCommand::New { db, case, product } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let case = btlp_commission::validate::id("case", &case)?;
            println!("{}", production::create_batch(&mut s.db, &actor, case, &product)?.code);
            Ok(())
        }
        BatchCommand::Show { code, db } => {
            let s = sign_in(&db.db, lang)?;
            let b = find(&s, &code)?;
            println!("{}  {}  {} ({})", b.code, b.patient_name, b.product_name, b.product_code);
            if let (Some(e), Some(st)) = (b.expires_on, &b.storage) {
                println!("{}: {}; {}", tr(lang, "label.expires", &[]), show_date(e), st);
            }
            for st in production::stages(s.db.conn(), b.id)? {
                let at = st.done_at.format("%d.%m.%Y %H:%M");
                println!(
                    "  {at}  {:<32} {} · {} · {}",
                    named(lang, "stage", st.stage.code()),
                    st.place,
                    st.result,
                    st.done_by
                );
            }
            for t in qc::tests(s.db.conn(), Some(b.id), None, None)? {
                let c = qc::cells(&t, lang);
                println!("  {}  {} · {} · {} · {} · {}", t.id, c[1], c[2], c[4], c[5], c[7]);
            }
            Ok(())
        }
        BatchCommand::Stage { code, db, stage, at, place, result } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let b = find(&s, &code)?;
            production::record_stage(&mut s.db, &actor, b.id, &NewStage { stage, done_at: at, place, result })?;
            done(lang);
            Ok(())
        }
        BatchCommand::Dispose { code, db, at, place, quantity, method, reason } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let b = find(&s, &code)?;
            production::dispose(&mut s.db, &actor, b.id, &Disposal { done_at: at, place, quantity, method, reason })?;
            done(lang);
            Ok(())
        }
        BatchCommand::Label { code, db, out } => {
            let s = sign_in(&db.db, lang)?;
            let b = find(&s, &code)?;
            btlp_commission::files::write_private(&out, &documents::render_label(s.db.conn(), b.id, lang)?)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}

pub fn qc(command: QcCommand, lang: Lang) -> Result<()> {
    match command {
        QcCommand::Plan { code, db, test, spec, method, optional } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let b = find(&s, &code)?;
            let t = qc::NewTest { name: test, specification: spec, method, required: !optional };
            println!("{}", qc::plan(&mut s.db, &actor, b.id, &t)?);
            Ok(())
        }
        QcCommand::Result { test, db, result, passed, on } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let test = btlp_commission::validate::id("qc_test", &test)?;
            qc::record_result(&mut s.db, &actor, test, &result, passed, &on)?;
            done(lang);
            Ok(())
        }
        QcCommand::Release { code, db, at, place, expires, storage } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let b = find(&s, &code)?;
            let r = qc::Release { done_at: at, place, expires_on: expires, storage };
            qc::release(&mut s.db, &actor, b.id, &r)?;
            done(lang);
            Ok(())
        }
        QcCommand::Journal { db, format, out, from, to, reason } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let n = qc::export(&mut s.db, &actor, &reason, &from, &to, Format::parse(&format)?, lang, &out)?;
            println!("{} ({n})", out.display());
            Ok(())
        }
    }
}

pub fn permit(command: PermitCommand, lang: Lang) -> Result<()> {
    match command {
        PermitCommand::Show { db } => {
            let s = sign_in(&db.db, lang)?;
            for e in permit::history(s.db.conn())? {
                println!(
                    "{}  {:<28} {} {}",
                    show_date(e.on_date),
                    named(lang, "permit_event", e.kind.code()),
                    e.reference,
                    e.note
                );
            }
            for a in applications::list(s.db.conn())? {
                println!("\n{}  {} ({})", a.id, named(lang, "application_kind", a.kind.code()), a.reference);
                for st in &a.steps {
                    println!(
                        "  {}  {} {}",
                        show_date(st.on_date),
                        named(lang, "application_step", st.step.code()),
                        st.note
                    );
                }
                for d in &a.deadlines {
                    let met = d.met_on.map(show_date).unwrap_or_else(|| "…".into());
                    let what = named(lang, "application_step", d.awaits.code());
                    println!("  → {} {}  ({}) {met}", show_date(d.due), what, d.rule.text(lang));
                }
            }
            println!();
            for r in checklist::checklist(s.db.conn(), s.db.today())? {
                let state = named(lang, "checklist", r.state.code());
                let until = r.valid_until.map(show_date).unwrap_or_default();
                println!("{:<9} {} {until}", state, named(lang, "requirement", r.code));
            }
            Ok(())
        }
        PermitCommand::Event { kind, db, on, reference, note } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            permit::record(&mut s.db, &actor, &kind, &on, &reference, &note)?;
            done(lang);
            Ok(())
        }
        PermitCommand::Apply { kind, db, reference, on } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            println!("{}", applications::open(&mut s.db, &actor, &kind, &reference, &on)?);
            Ok(())
        }
        PermitCommand::Step { application, step, db, on, note } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let app = btlp_commission::validate::id("application", &application)?;
            applications::add_step(&mut s.db, &actor, app, &step, &on, &note)?;
            done(lang);
            Ok(())
        }
        PermitCommand::Attach { requirement, file, db, title, until } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let bytes = std::fs::read(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            checklist::attach(&mut s.db, &actor, &requirement, &title, &name, &bytes, &until)?;
            done(lang);
            Ok(())
        }
    }
}
