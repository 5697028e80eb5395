//! The SHA-256 digests the program stores and compares (signed PDFs, scans, audit entries), as lower-case hex.
use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
