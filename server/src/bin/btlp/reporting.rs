//! The reporting commands: reports to Roszdravnadzor, the deadline board, the commission's journal and the
//! decisions archive.
use super::{password, sign_in, DbArg};
use btlp_commission::deadlines;
use btlp_commission::error::Check;
use btlp_commission::exports::{self, Selection};
use btlp_commission::i18n::tr;
use btlp_commission::journal::{self, Format};
use btlp_commission::order::Order;
use btlp_commission::reports::{self, Filter, Kind};
use btlp_commission::validate::{self, show_date};
use btlp_commission::{Error, Lang, Result};
use clap::Subcommand;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Reports not yet sent, nearest deadline first (or every report with --all).
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        all: bool,
        /// use, reaction or benefit_risk
        #[arg(long)]
        kind: Option<String>,
    },
    /// A report's data as JSON (the schema in docs/schemas) or CSV.
    Show {
        id: String,
        #[command(flatten)]
        db: DbArg,
        /// json or csv
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Write a signed report's PDF.
    Pdf {
        id: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a report as the signed-in physician or responsible person (BTLP_USER / BTLP_PASSWORD).
    Sign {
        id: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Record that a signed report was sent: the date and the outgoing reference.
    Sent {
        id: String,
        #[command(flatten)]
        db: DbArg,
        /// ДД.ММ.ГГГГ
        #[arg(long)]
        on: String,
        #[arg(long = "ref")]
        reference: String,
    },
    /// Open a benefit–risk report for a product and the period containing a date.
    Open {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        product: String,
        /// Any date inside the period, ДД.ММ.ГГГГ.
        #[arg(long)]
        period: String,
        #[arg(long, default_value = "")]
        conclusion: String,
    },
    /// Write a draft benefit–risk report's conclusion.
    Conclusion {
        id: String,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        text: String,
    },
}

fn parse_id(text: &str) -> Result<uuid::Uuid> {
    validate::id("id", text)
}

pub fn report(command: ReportCommand, lang: Lang) -> Result<()> {
    let t = |key: &str| tr(lang, key, &[]);
    match command {
        ReportCommand::List { db, all, kind } => {
            let s = sign_in(&db.db, lang)?;
            let kind = kind.as_deref().map(Kind::parse).transpose()?;
            let today = s.db.today();
            let filter = if all { Filter::All } else { Filter::Open };
            let (rows, total) = reports::list(s.db.conn(), filter, kind, Order::Deadline, i64::MAX, 0)?;
            for r in rows {
                let flag = if r.overdue(today) { t("cli.overdue") } else { String::new() };
                let about = r.about();
                println!(
                    "{}  {:<22} {:<10} {} {:<12} {:<28} {}",
                    r.id,
                    t(&format!("report.kind.{}", r.kind.code())),
                    t(&format!("report.status.{}", r.status.code())),
                    show_date(r.due_on),
                    flag,
                    about,
                    r.product_name
                );
            }
            println!("{}", tr(lang, "cli.total", &[("n", total.to_string())]));
            Ok(())
        }
        ReportCommand::Show { id, db, format } => {
            let s = sign_in(&db.db, lang)?;
            let data = reports::data(s.db.conn(), parse_id(&id)?, s.db.today())?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&data).unwrap_or_default()),
                "csv" => std::io::stdout().write_all(&reports::to_csv(&data))?,
                _ => return Err(Error::invalid("format", Check::OneOf { allowed: "json, csv".into() })),
            }
            Ok(())
        }
        ReportCommand::Pdf { id, db, out } => {
            let s = sign_in(&db.db, lang)?;
            let id = parse_id(&id)?;
            let pdf =
                reports::pdf(s.db.conn(), id)?.ok_or(Error::Refused(btlp_commission::error::Rule::ReportUnsigned))?;
            btlp_commission::files::write_private(&out, &pdf)?;
            println!("{}", tr(lang, "cli.written", &[("path", out.display().to_string())]));
            Ok(())
        }
        ReportCommand::Sign { id, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let password = password(lang, "BTLP_PASSWORD", "cli.prompt_password")?;
            let actor = s.actor.clone();
            reports::sign(&mut s.db, &actor, parse_id(&id)?, &password, lang)?;
            println!("{}", t("cli.done"));
            Ok(())
        }
        ReportCommand::Sent { id, db, on, reference } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            reports::mark_sent(&mut s.db, &actor, parse_id(&id)?, &on, &reference)?;
            println!("{}", t("cli.done"));
            Ok(())
        }
        ReportCommand::Open { db, product, period, conclusion } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            let id = reports::open_benefit_risk(&mut s.db, &actor, &product, &period, &conclusion)?;
            println!("{id}");
            Ok(())
        }
        ReportCommand::Conclusion { id, db, text } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            reports::set_conclusion(&mut s.db, &actor, parse_id(&id)?, &text)?;
            println!("{}", t("cli.done"));
            Ok(())
        }
    }
}

/// The deadline board, overdue first.
pub fn due(db: DbArg, lang: Lang) -> Result<()> {
    let t = |key: &str| tr(lang, key, &[]);
    let s = sign_in(&db.db, lang)?;
    let items = deadlines::board(s.db.conn(), s.db.today())?;
    for i in &items {
        let (what, about) = (i.title(lang), i.about());
        let when = if i.overdue {
            tr(lang, "cli.overdue_by", &[("n", (-i.days_left).to_string())])
        } else {
            tr(lang, "cli.days_left", &[("n", i.days_left.to_string())])
        };
        let provisional = if i.provisional { " *" } else { "" };
        println!("{}{provisional}  {:<22} {:<26} {}", show_date(i.due_on), when, what, about);
    }
    let overdue = items.iter().filter(|i| i.overdue).count();
    println!(
        "{}",
        tr(lang, "cli.due_summary", &[("overdue", overdue.to_string()), ("due", (items.len() - overdue).to_string())])
    );
    if items.iter().any(|i| i.provisional) {
        println!("{}", t("cli.provisional_calendar"));
    }
    Ok(())
}

pub fn journal(
    db: DbArg,
    reason: &str,
    from: String,
    to: String,
    format: String,
    out: PathBuf,
    lang: Lang,
) -> Result<()> {
    let mut s = sign_in(&db.db, lang)?;
    let actor = s.actor.clone();
    let n = journal::export(&mut s.db, &actor, reason, &from, &to, Format::parse(&format)?, lang, &out)?;
    println!("{}", tr(lang, "cli.journal_written", &[("n", n.to_string()), ("path", out.display().to_string())]));
    Ok(())
}

/// The decisions archive, with progress on stderr; Ctrl+C cancels it cleanly.
pub fn export(db: DbArg, reason: &str, selection: Selection, out: PathBuf, lang: Lang) -> Result<()> {
    let mut s = sign_in(&db.db, lang)?;
    let actor = s.actor.clone();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    // If a handler cannot be installed, Ctrl+C still stops the process and the hidden partial file is swept later.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let tty = std::io::stderr().is_terminal();
    let mut last = 0;
    let progress = |done: usize, total: usize| {
        let percent = done * 100 / total.max(1);
        if tty {
            eprint!("\r{done}/{total} ({percent}%)");
        } else if percent >= last + 10 || done == total {
            last = percent;
            eprintln!("{done}/{total} ({percent}%)");
        }
    };
    let done = exports::decisions_archive(&mut s.db, &actor, reason, &selection, &out, progress, &cancel);
    if tty {
        eprintln!();
    }
    let done = done?;
    println!(
        "{}",
        tr(
            lang,
            "cli.archive_written",
            &[
                ("n", done.decisions.to_string()),
                ("path", out.display().to_string()),
                ("bytes", done.bytes.to_string())
            ]
        )
    );
    Ok(())
}
