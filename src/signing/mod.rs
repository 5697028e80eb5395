//! The signing layer: it owns the clinic's own certificate authority (ECDSA P-256), the sealing of members'
//! private keys under their passwords, and PAdES signatures (baseline B-B, `ETSI.CAdES.detached`) appended to
//! PDF decisions as incremental updates, with their verification. It is self-contained on purpose: the rest
//! of the core stores sealed keys and certificates as bytes and calls these functions, so the cryptography
//! stays in one place that can be reviewed and tested against external validators (pdfsig, qpdf, pyHanko).

pub mod ca;
mod error;
pub mod external;
pub mod pades;
pub mod sealed;
pub mod signer;
pub mod token;

pub use error::{Result, SigningError, TokenFailure};
