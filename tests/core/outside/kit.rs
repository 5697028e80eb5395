//! Real tools for outside signatures, made afresh in each test: SoftHSM2 tokens (a real PKCS#11 module) with
//! keys generated on the token by OpenSC's `pkcs11-tool`, and a GOST R 34.10-2012 CA with OpenSSL's gost
//! engine. Nothing here is a stand-in: the core talks to the module and runs the command as a clinic would.
use btlp_commission::signing::ca::{self, Subject};
use chrono::{Duration, Utc};
use p256::pkcs8::DecodePublicKey;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
pub const SO_PIN: &str = "87654321";

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?} must be installed (scripts/deps.sh): {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed: {text}");
    text
}

/// One token folder for the whole test process: SoftHSM2 reads SOFTHSM2_CONF when the module is initialised,
/// so it is set once, before any test loads the module. Each test makes its own token (label) in it.
pub fn token_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(&conf, format!("directories.tokendir = {}\nobjectstore.backend = file\n", dir.display()))
            .unwrap();
        // Set once, before the first use of the module in this process; nothing else reads it.
        std::env::set_var("SOFTHSM2_CONF", &conf);
        dir
    })
}

fn pkcs11_tool(label: &str) -> Command {
    token_dir();
    let mut cmd = Command::new("pkcs11-tool");
    cmd.args(["--module", MODULE, "--token-label", label]);
    cmd
}

/// A new token `label` with user PIN `pin` and an ECDSA P-256 key pair generated on it under CKA_ID `id`;
/// returns the public key (the private key never leaves the token).
pub fn token_with_key(label: &str, pin: &str, id: &str) -> p256::PublicKey {
    token_dir();
    run(Command::new("softhsm2-util").args([
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        pin,
        "--so-pin",
        SO_PIN,
    ]));
    run(pkcs11_tool(label)
        .args(["--login", "--pin", pin, "--keypairgen", "--key-type", "EC:prime256v1"])
        .args(["--id", id, "--label", label]));
    let out = token_dir().join(format!("{label}-{id}.pub.der"));
    run(pkcs11_tool(label).args(["--read-object", "--type", "pubkey", "--id", id, "-o"]).arg(&out));
    p256::PublicKey::from_public_key_der(&std::fs::read(out).unwrap()).unwrap()
}

/// Writes a certificate onto the token beside its key.
pub fn put_certificate(label: &str, pin: &str, id: &str, cert_der: &[u8]) {
    let file = token_dir().join(format!("{label}-{id}.crt.der"));
    std::fs::write(&file, cert_der).unwrap();
    run(pkcs11_tool(label)
        .args(["--login", "--pin", pin, "--write-object"])
        .arg(&file)
        .args(["--type", "cert", "--id", id, "--label", label]));
}

/// Removes the token, as pulling it out of the reader would.
pub fn remove_token(label: &str) {
    run(Command::new("softhsm2-util").args(["--delete-token", "--token", label]));
}

/// An accredited CA of our own making (ECDSA P-256), as the clinic would import one: its root and key.
pub fn accredited_ca(name: &str) -> (Vec<u8>, p256::SecretKey) {
    ca::new_root(name, Utc::now() - Duration::days(30), 5).unwrap()
}

/// A certificate for `public` issued by `root`, valid from a month ago.
pub fn issue(root: &(Vec<u8>, p256::SecretKey), full_name: &str, public: &p256::PublicKey, serial: u64) -> Vec<u8> {
    let subject = Subject {
        full_name: full_name.into(), position: "Врач".into(), organization: "ГБУЗ (тест)".into()
    };
    ca::issue(&root.0, &root.1, &subject, public, serial, Utc::now() - Duration::days(30), 2).unwrap()
}

/// A GOST R 34.10-2012 CA made with OpenSSL's gost engine, and the keys of the certificates it issues, kept by
/// thumbprint as CryptoPro keeps a container per certificate.
pub struct GostCa {
    pub dir: tempfile::TempDir,
    pub root_der: Vec<u8>,
}

fn openssl(dir: &Path) -> Command {
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir).env("OPENSSL_CONF", "/dev/null");
    cmd
}

impl GostCa {
    pub fn new(name: &str) -> GostCa {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        run(openssl(d)
            .args(["genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A"])
            .args(["-out", "root.key"]));
        run(openssl(d)
            .args(["req", "-engine", "gost", "-new", "-x509", "-utf8", "-md_gost12_256", "-days", "365"])
            .args(["-key", "root.key", "-out", "root.pem", "-subj", &format!("/CN={name}/O={name}/C=RU")])
            .args([
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]));
        let root_der = ca::from_pem(&std::fs::read_to_string(d.join("root.pem")).unwrap()).unwrap();
        GostCa { dir, root_der }
    }

    /// A qualified-style certificate for a person: ФИО in CN, SN and GN, and СНИЛС (OID 1.2.643.100.3).
    pub fn person(&self, surname: &str, given: &str, snils: &str) -> Vec<u8> {
        let d = self.dir.path();
        run(openssl(d)
            .args(["genpkey", "-engine", "gost", "-algorithm", "gost2012_256", "-pkeyopt", "paramset:A"])
            .args(["-out", "person.key"]));
        let subject = format!("/CN={surname} {given}/SN={surname}/GN={given}/1.2.643.100.3={snils}/C=RU");
        run(openssl(d)
            .args(["req", "-engine", "gost", "-new", "-utf8", "-md_gost12_256", "-key", "person.key"])
            .args(["-out", "person.csr", "-subj", &subject]));
        std::fs::write(d.join("ext.cnf"), "keyUsage=critical,digitalSignature,nonRepudiation\n").unwrap();
        run(openssl(d)
            .args(["x509", "-engine", "gost", "-req", "-in", "person.csr", "-CA", "root.pem"])
            .args(["-CAkey", "root.key", "-CAcreateserial", "-days", "200", "-md_gost12_256", "-extfile", "ext.cnf"])
            .args(["-out", "person.pem"]));
        let der = ca::from_pem(&std::fs::read_to_string(d.join("person.pem")).unwrap()).unwrap();
        let thumbprint = ca::info(&der).unwrap().thumbprint;
        std::fs::rename(d.join("person.key"), d.join(format!("{thumbprint}.key"))).unwrap();
        der
    }

    /// The clinic's signing command for this CA's people: OpenSSL's `cms -sign` with the key kept under the
    /// certificate's thumbprint, as a CryptoPro command line selects the container by `-thumbprint`.
    pub fn command(&self) -> String {
        format!(
            "openssl cms -sign -engine gost -binary -md md_gost12_256 -nosmimecap -signer {{cert}} \
             -inkey '{}/{{thumbprint}}.key' -in {{in}} -out {{out}} -outform DER",
            self.dir.path().display()
        )
    }

    /// A signing command that always signs with `cert_der`'s key, whoever's certificate it is given: a tool
    /// set up wrongly, or someone else's container.
    pub fn command_as(&self, cert_der: &[u8]) -> String {
        let d = self.dir.path();
        let pem = d.join("fixed.pem");
        std::fs::write(&pem, ca::to_pem(cert_der)).unwrap();
        let thumbprint = ca::info(cert_der).unwrap().thumbprint;
        format!(
            "openssl cms -sign -engine gost -binary -md md_gost12_256 -nosmimecap -signer '{}' \
             -inkey '{}/{thumbprint}.key' -in {{in}} -out {{out}} -outform DER",
            pem.display(),
            d.display()
        )
    }

    /// Verifies a detached CMS over `content` with OpenSSL (gost engine), trusting this CA's root.
    pub fn openssl_verifies(&self, cms: &[u8], content: &[u8]) -> bool {
        let d = self.dir.path();
        std::fs::write(d.join("check.der"), cms).unwrap();
        std::fs::write(d.join("check.bin"), content).unwrap();
        openssl(d)
            .args(["cms", "-verify", "-engine", "gost", "-binary", "-inform", "DER", "-in", "check.der"])
            .args(["-content", "check.bin", "-CAfile", "root.pem", "-purpose", "any", "-out", "/dev/null"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}
