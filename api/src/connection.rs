//! The connection file an admin hands to workstations (`btlp connect-file`): the clinic server's address and
//! the clinic root certificate, the only certificate a workstation trusts for that server.
use btlp_commission::error::{Check, Error};
use btlp_commission::signing::ca;
use btlp_commission::Result;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;

#[derive(Debug, Clone, Serialize, Deserialize, Type, PartialEq, Eq)]
pub struct ConnectionFile {
    /// https://HOST:PORT of the clinic server.
    pub url: String,
    /// The clinic root certificate (PEM).
    pub root_pem: String,
}

/// A certificate's SHA-256 fingerprint as people compare it: upper-case hex pairs joined by colons.
pub fn fingerprint_of(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

impl ConnectionFile {
    /// Checks the address (https only, a host) and the certificate, and keeps the address without a trailing
    /// slash.
    pub fn new(url: &str, root_pem: &str) -> Result<Self> {
        let url = url.trim().trim_end_matches('/').to_string();
        let host = url.strip_prefix("https://").unwrap_or_default();
        if host.is_empty() || host.contains('/') || host.contains(' ') {
            return Err(Error::invalid("url", Check::HostName));
        }
        ca::from_pem(root_pem).map_err(Error::from)?;
        Ok(ConnectionFile { url, root_pem: root_pem.to_string() })
    }

    /// The root certificate's DER.
    pub fn root_der(&self) -> Result<Vec<u8>> {
        Ok(ca::from_pem(&self.root_pem)?)
    }

    pub fn fingerprint(&self) -> Result<String> {
        Ok(fingerprint_of(&self.root_der()?))
    }

    /// Reads a connection file; a file that is not one is refused by field.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let file: ConnectionFile =
            serde_json::from_slice(bytes).map_err(|_| Error::invalid("connection_file", Check::Required))?;
        ConnectionFile::new(&file.url, &file.root_pem)
    }
}
