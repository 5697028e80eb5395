//! How members sign and what the clinic trusts: the PKCS#11 module and the external signing command (admin),
//! trusted roots and members' certificates (admin), and each member's own choice of signing method.
use super::{password, sign_in, DbArg};
use btlp_commission::error::Check;
use btlp_commission::i18n::tr;
use btlp_commission::pki::outside::{self, Method};
use btlp_commission::signing::ca;
use btlp_commission::validate::show_date;
use btlp_commission::{Error, Lang, Result};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum SigningCommand {
    /// How the signed-in user signs now.
    Show {
        #[command(flatten)]
        db: DbArg,
    },
    /// The certificates on the tokens the clinic's PKCS#11 module sees, numbered for `use-token`.
    Tokens {
        #[command(flatten)]
        db: DbArg,
    },
    /// Sign from now on with certificate N of `tokens` (its key stays on the token; the PIN is asked each time).
    UseToken {
        number: usize,
        #[command(flatten)]
        db: DbArg,
    },
    /// Sign from now on through the clinic's external command (CryptoPro) with this certificate (.cer, DER or PEM).
    UseExternal {
        certificate: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Sign from now on with the clinic key again (the default).
    UseClinic {
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: the path of the tokens' PKCS#11 module (e.g. /usr/lib/librtpkcs11ecp.so for Rutoken).
    Module {
        path: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: the external signing command, with {in}, {out} and optionally {cert}, {thumbprint} (README).
    Command {
        line: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: trust a root certificate (an accredited CA's) for members' outside certificates.
    Trust {
        certificate: PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: stop trusting an imported root (by its SHA-256, as `trust` printed it).
    Untrust {
        sha256: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: revoke an outside certificate by its SHA-256 (a lost token): it signs no more, and its
    /// signatures show as revoked.
    Revoke {
        sha256: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Admin: record whose outside certificates are: a member's СНИЛС and/or a certificate's SHA-256.
    Identity {
        login: String,
        #[arg(long)]
        snils: Option<String>,
        #[arg(long)]
        cert_sha256: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(command: SigningCommand, lang: Lang) -> Result<()> {
    match command {
        SigningCommand::Show { db } => {
            let s = sign_in(&db.db, lang)?;
            let line = match outside::method(s.db.conn(), s.actor.id())? {
                Method::Clinic => tr(lang, "cli.signing_clinic", &[]),
                Method::Token { token_serial, cert_der, .. } => {
                    tr(lang, "cli.signing_token", &[("serial", token_serial), ("cert", describe(&cert_der, lang))])
                }
                Method::External { cert_der } => {
                    tr(lang, "cli.signing_external", &[("cert", describe(&cert_der, lang))])
                }
            };
            println!("{line}");
            Ok(())
        }
        SigningCommand::Tokens { db } => {
            let s = sign_in(&db.db, lang)?;
            let found = outside::token_certificates(s.db.conn(), &s.actor)?;
            if found.is_empty() {
                println!("{}", tr(lang, "cli.signing_no_tokens", &[]));
            }
            for (i, t) in found.iter().enumerate() {
                println!("{:>3}. [{} {}] {}", i + 1, t.token_label, t.token_serial, describe(&t.cert_der, lang));
            }
            Ok(())
        }
        SigningCommand::UseToken { number, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let found = outside::token_certificates(s.db.conn(), &s.actor)?;
            let allowed = format!("1–{}", found.len());
            let chosen = number
                .checked_sub(1)
                .and_then(|i| found.get(i))
                .ok_or(Error::invalid("number", Check::OneOf { allowed }))?;
            let actor = s.actor.clone();
            outside::choose_token(&mut s.db, &actor, chosen)?;
            println!("{}", tr(lang, "cli.signing_chosen", &[("cert", describe(&chosen.cert_der, lang))]));
            Ok(())
        }
        SigningCommand::UseExternal { certificate, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let bytes = std::fs::read(&certificate)?;
            let actor = s.actor.clone();
            outside::choose_external(&mut s.db, &actor, &bytes)?;
            let method = outside::method(s.db.conn(), actor.id())?;
            if let Method::External { cert_der } = method {
                println!("{}", tr(lang, "cli.signing_chosen", &[("cert", describe(&cert_der, lang))]));
            }
            Ok(())
        }
        SigningCommand::UseClinic { db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::use_clinic_key(&mut s.db, &actor)?;
            println!("{}", tr(lang, "cli.signing_clinic", &[]));
            Ok(())
        }
        SigningCommand::Module { path, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::set_pkcs11_module(&mut s.db, &actor, &path)?;
            println!("{}", tr(lang, "cli.saved", &[]));
            Ok(())
        }
        SigningCommand::Command { line, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::set_external_command(&mut s.db, &actor, &line)?;
            println!("{}", tr(lang, "cli.saved", &[]));
            Ok(())
        }
        SigningCommand::Trust { certificate, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let bytes = std::fs::read(&certificate)?;
            let actor = s.actor.clone();
            let info = outside::import_root(&mut s.db, &actor, &bytes)?;
            println!("{}", tr(lang, "cli.signing_trusted", &[("name", info.subject_cn), ("sha256", info.sha256)]));
            Ok(())
        }
        SigningCommand::Untrust { sha256, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::untrust_root(&mut s.db, &actor, &sha256)?;
            println!("{}", tr(lang, "cli.saved", &[]));
            Ok(())
        }
        SigningCommand::Revoke { sha256, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::revoke_outside(&mut s.db, &actor, &sha256)?;
            println!("{}", tr(lang, "cli.saved", &[]));
            Ok(())
        }
        SigningCommand::Identity { login, snils, cert_sha256, db } => {
            let mut s = sign_in(&db.db, lang)?;
            let actor = s.actor.clone();
            outside::record_identity(&mut s.db, &actor, &login, snils.as_deref(), cert_sha256.as_deref())?;
            println!("{}", tr(lang, "cli.saved", &[]));
            Ok(())
        }
    }
}

/// A certificate in one line: holder, СНИЛС, issuer, validity, SHA-256.
pub fn describe(cert_der: &[u8], lang: Lang) -> String {
    match ca::info(cert_der) {
        Ok(i) => tr(
            lang,
            "cli.certificate_line",
            &[
                ("name", i.subject_cn),
                ("snils", i.snils.map(|s| btlp_commission::validate::show_snils(&s)).unwrap_or_else(|| "—".into())),
                ("issuer", i.issuer_cn),
                ("from", show_date(i.not_before.date_naive())),
                ("to", show_date(i.not_after.date_naive())),
                ("sha256", i.sha256),
            ],
        ),
        Err(_) => tr(lang, "cli.certificate_unreadable", &[]),
    }
}

/// What signing asks for: the user's password (BTLP_PASSWORD) and, when they sign with a token, its PIN
/// (BTLP_TOKEN_PIN), each asked for when not in the environment.
pub fn signing_secret(s: &btlp_commission::Session, lang: Lang) -> Result<(String, Option<String>)> {
    let password = password(lang, "BTLP_PASSWORD", "cli.prompt_password")?;
    let pin = match outside::method(s.db.conn(), s.actor.id())? {
        Method::Token { .. } => Some(super::password(lang, "BTLP_TOKEN_PIN", "cli.prompt_token_pin")?),
        _ => None,
    };
    Ok((password, pin))
}
