//! A scanned document (a consent form, a requirement's evidence): PDF, JPEG or PNG, recognised by its first bytes (not by a file name), at most
//! 20 MB, stored in the database with its SHA-256.
use crate::error::{Check, Error, Result};

pub const MAX_MB: usize = 20;

#[derive(Debug)]
pub struct Scan<'a> {
    pub bytes: &'a [u8],
    pub mime: &'static str,
    pub sha256: String,
}

impl<'a> Scan<'a> {
    pub fn check(bytes: &'a [u8]) -> Result<Scan<'a>> {
        Scan::check_as("scan", bytes)
    }

    /// The same check for a file given in another field (the evidence of a requirement).
    pub fn check_as(field: &'static str, bytes: &'a [u8]) -> Result<Scan<'a>> {
        let mime = if bytes.starts_with(b"%PDF-") {
            "application/pdf"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return Err(Error::invalid(field, Check::ScanType));
        };
        if bytes.len() > MAX_MB * 1024 * 1024 {
            return Err(Error::invalid(field, Check::ScanTooLarge { max_mb: MAX_MB }));
        }
        Ok(Scan { bytes, mime, sha256: crate::digest::sha256_hex(bytes) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_recognised_by_content() {
        assert_eq!(Scan::check(b"%PDF-1.7\n...").unwrap().mime, "application/pdf", "a PDF by its header");
        assert_eq!(Scan::check(b"\x89PNG\r\n\x1a\n....").unwrap().mime, "image/png", "a PNG by its signature");
        assert!(Scan::check(b"MZ\x90\x00 an executable").is_err(), "anything else must be refused");
        let s = Scan::check(b"%PDF-1.4").unwrap();
        assert_eq!(s.sha256.len(), 64, "the SHA-256 is kept as 64 hex digits");
    }
}
