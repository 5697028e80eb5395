//! GOST R 34.10-2012 signatures through tools outside the program: no maintained Rust crate signs or verifies
//! GOST R 34.10-2012, and a qualified signature must come from a certified tool (CryptoPro CSP) anyway.
//!
//! - [`CommandSigner`] runs the clinic's signing command on the signed bytes and reads back a detached CMS:
//!   in production CryptoPro's `cryptcp`, in the tests OpenSSL with the gost engine. Placeholders in the
//!   command: `{in}` (a file holding the bytes to sign), `{out}` (where the tool writes the CMS, DER or PEM),
//!   `{cert}` (the member's certificate as PEM), `{thumbprint}` (its SHA-1, as CryptoPro selects it).
//! - [`OpensslGost`] verifies a GOST CMS over its byte ranges with `openssl cms -verify -engine gost`: once
//!   without a chain (is the signature mathematically right?) and once against the trusted roots at the
//!   signing time (is the certificate trusted?).
//!
//! Each run works in a private temporary folder (0700) that is removed afterwards, gets no standard input,
//! and is stopped after [`TIMEOUT`]. The verifier runs OpenSSL with `OPENSSL_CONF=/dev/null`, so that a system
//! configuration cannot load other engines or providers into it; the signing command is the clinic's own and
//! runs in the program's environment.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::pades::{ExternalCheck, ExternalVerifier};
use super::signer::CmsSigner;
use super::{ca, Result, SigningError};

/// How long a tool may run: long enough for a person to type a PIN into CryptoPro's own window (the tool gets
/// no standard input, so a prompt in the terminal cannot be answered).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The clinic's signing command, run for one member's certificate. What it returns is verified (the
/// signature value over the bytes, with exactly this certificate) before it is embedded, so a tool that signed
/// with another key, or other bytes, leaves nothing behind.
pub struct CommandSigner {
    argv: Vec<String>,
    cert_der: Vec<u8>,
    verifier: OpensslGost,
}

impl CommandSigner {
    /// `command_line` is split like a shell would (quotes and backslashes) but never run through a shell; it
    /// must name `{in}` and `{out}`.
    pub fn new(command_line: &str, cert_der: &[u8], verifier: OpensslGost) -> Result<CommandSigner> {
        let argv = parse_command(command_line)?;
        ca::parse(cert_der)?;
        Ok(CommandSigner { argv, cert_der: cert_der.to_vec(), verifier })
    }
}

/// The words of a signing command, checked to name its input and output.
pub fn parse_command(command_line: &str) -> Result<Vec<String>> {
    let argv = shell_words::split(command_line)
        .map_err(|_| SigningError::External("the command line has an unclosed quote".into()))?;
    if argv.is_empty() || !argv.iter().any(|a| a.contains("{in}")) || !argv.iter().any(|a| a.contains("{out}")) {
        return Err(SigningError::External("the command must name {in} and {out}".into()));
    }
    Ok(argv)
}

impl CmsSigner for CommandSigner {
    fn certificate(&self) -> &[u8] {
        &self.cert_der
    }

    fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>> {
        let dir = WorkDir::new()?;
        let input = dir.write("content.bin", content)?;
        let cert = dir.write("signer.pem", ca::to_pem(&self.cert_der).as_bytes())?;
        let output = dir.path("signature.p7s");
        let thumbprint = ca::info(&self.cert_der)?.thumbprint;
        let argv: Vec<String> = self
            .argv
            .iter()
            .map(|a| {
                a.replace("{in}", &input.to_string_lossy())
                    .replace("{out}", &output.to_string_lossy())
                    .replace("{cert}", &cert.to_string_lossy())
                    .replace("{thumbprint}", &thumbprint)
            })
            .collect();
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        let (ok, stderr) = run(command)?;
        if !ok {
            // The tool's last error line, without the temporary folder's path.
            return Err(SigningError::External(stderr.replace(&*dir.0.to_string_lossy(), "…")));
        }
        let written = std::fs::read(&output)
            .map_err(|_| SigningError::External("the signing command wrote no signature".into()))?;
        Ok(pem_or_der(written))
    }

    fn verify(&self, cms: &[u8], content: &[u8]) -> Result<()> {
        let check = self.verifier.verify(cms, content, &self.cert_der, &[], chrono::Utc::now())?;
        if !check.intact {
            return Err(SigningError::External("the signature the command wrote does not verify".into()));
        }
        Ok(())
    }
}

/// A CMS file as DER, whether the tool wrote DER or PEM (`-----BEGIN CMS-----`, `PKCS7`, `SIGNED MESSAGE`).
fn pem_or_der(bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(b"-----BEGIN") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Ok((_, der)) = der::pem::decode_vec(text.trim().as_bytes()) {
                return der;
            }
        }
    }
    bytes
}

/// GOST verification with the `openssl` program and its gost engine (Debian `libengine-gost-openssl`).
pub struct OpensslGost {
    pub program: PathBuf,
}

impl Default for OpensslGost {
    fn default() -> Self {
        OpensslGost { program: PathBuf::from("openssl") }
    }
}

impl OpensslGost {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.env("OPENSSL_CONF", "/dev/null");
        command
    }

    /// Whether `cert` chains to one of `roots` (DER, trusted as anchors whether self-signed or not) at `at`:
    /// any algorithm OpenSSL knows, GOST with the engine.
    pub fn certificate_trusted(&self, cert: &[u8], roots: &[Vec<u8>], at: DateTime<Utc>) -> Result<bool> {
        let dir = WorkDir::new()?;
        let cert = dir.write("certificate.pem", ca::to_pem(cert).as_bytes())?;
        let pem: String = roots.iter().map(|der| ca::to_pem(der)).collect();
        let roots = dir.write("roots.pem", pem.as_bytes())?;
        let mut command = self.command();
        // -check_ss_sig: a self-signed anchor's own signature is checked too (OpenSSL skips it otherwise).
        command.args(["verify", "-engine", "gost", "-partial_chain", "-check_ss_sig", "-no-CApath", "-no-CAstore"]);
        command.args(["-purpose", "any", "-CAfile"]);
        command.arg(&roots).arg("-attime").arg(at.timestamp().to_string()).arg(&cert);
        Ok(run(command)?.0)
    }

    /// Whether the program runs and has the gost engine.
    pub fn available(&self) -> bool {
        let mut command = self.command();
        command.args(["engine", "-t", "gost"]);
        run(command).is_ok_and(|(ok, _)| ok)
    }
}

impl ExternalVerifier for OpensslGost {
    fn verify(
        &self,
        cms: &[u8],
        content: &[u8],
        signer: &[u8],
        roots: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<ExternalCheck> {
        let dir = WorkDir::new()?;
        let signature = dir.write("signature.der", cms)?;
        let content = dir.write("content.bin", content)?;
        let signer = dir.write("signer.pem", ca::to_pem(signer).as_bytes())?;
        let no_roots = roots.is_empty();
        let pem: String = roots.iter().map(|der| ca::to_pem(der)).collect();
        let roots = dir.write("roots.pem", pem.as_bytes())?;
        let verify = |chain: bool| -> Result<bool> {
            let mut command = self.command();
            command.args(["cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER", "-in"]);
            command.arg(&signature).arg("-content").arg(&content).args(["-out", "/dev/null"]);
            // The signer is the certificate we show, never one OpenSSL picks from the message itself.
            command.arg("-certfile").arg(&signer).arg("-nointern");
            if chain {
                // Only the certificates the clinic trusts, as anchors even when not self-signed (an accredited CA's
                // own certificate): neither the system's CA folder nor its store.
                command.arg("-CAfile").arg(&roots).args(["-partial_chain", "-no-CApath", "-no-CAstore"]);
                command.args(["-purpose", "any", "-attime"]);
                command.arg(at.timestamp().to_string());
            } else {
                command.arg("-noverify");
            }
            Ok(run(command)?.0)
        };
        let intact = verify(false)?;
        if no_roots {
            // Only the signature value was asked about (a tool's output before it is embedded).
            return Ok(ExternalCheck { intact, chain_ok: false });
        }
        if !intact && !self.available() {
            return Err(SigningError::External("openssl with the gost engine is not available".into()));
        }
        let chain_ok = intact && verify(true)?;
        Ok(ExternalCheck { intact, chain_ok })
    }
}

/// A private temporary folder, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<WorkDir> {
        let path = std::env::temp_dir().join(format!("btlp-sign-{}", uuid::Uuid::now_v7()));
        crate::files::create_private_dir(&path)
            .map_err(|e| SigningError::External(format!("temporary folder: {e}")))?;
        Ok(WorkDir(path))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.path(name);
        crate::files::write_private(&path, bytes)
            .map_err(|e| SigningError::External(format!("temporary file: {e}")))?;
        Ok(path)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `command` with no input, up to [`TIMEOUT`]; whether it succeeded and the last line of its errors. It
/// stays in the program's process group, so that a tool asking for its PIN on the terminal (`cryptcp` run from
/// the CLI) can read it; a timeout stops the tool itself.
fn run(mut command: Command) -> Result<(bool, String)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| SigningError::External(format!("cannot start {}: {e}", program_name(&command))))?;
    // Read the errors beside the wait, so that a tool writing more than a pipe holds cannot stall.
    let mut pipe = child.stderr.take();
    let reader = std::thread::spawn(move || {
        // At most 64 KiB of it is kept; the rest is read and dropped, so the tool never blocks on a full pipe.
        let mut kept = Vec::new();
        if let Some(pipe) = pipe.as_mut() {
            let _ = (&mut *pipe).take(64 * 1024).read_to_end(&mut kept);
            let _ = std::io::copy(pipe, &mut std::io::sink());
        }
        String::from_utf8_lossy(&kept).into_owned()
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| SigningError::External(e.to_string()))? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SigningError::External(format!("{} did not finish in time", program_name(&command))));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = reader.join().unwrap_or_default();
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_string();
    Ok((status.success(), last))
}

fn program_name(command: &Command) -> String {
    Path::new(command.get_program()).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
