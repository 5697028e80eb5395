//! Who makes a signature's value. The PAdES code prepares the update, the byte ranges and (for a key) the
//! signed attributes, then asks a [`Signer`] for the signature and embeds the CMS; the order of signers, the
//! checks before signing and the incremental updates are the same whoever signs.
//!
//! Two kinds, because the tools differ in what they take:
//! - a [`KeySigner`] signs the DER of the signed attributes this layer builds (the clinic's sealed ECDSA P-256
//!   key, a key on a PKCS#11 token);
//! - a [`CmsSigner`] is given the signed bytes themselves and returns a whole detached CMS (a GOST R
//!   34.10-2012 signature through CryptoPro's `cryptcp` or OpenSSL's gost engine), which is checked before it
//!   is embedded: detached, one signer, the expected certificate, and a message digest over these bytes.

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::DerSignature;

use super::{Result, SigningError};

/// What signs one signature.
#[derive(Clone, Copy)]
pub enum Signer<'a> {
    Key(&'a dyn KeySigner),
    Cms(&'a dyn CmsSigner),
}

impl Signer<'_> {
    /// The certificate the signature must carry (DER).
    pub fn certificate(&self) -> &[u8] {
        match self {
            Signer::Key(k) => k.certificate(),
            Signer::Cms(c) => c.certificate(),
        }
    }
}

/// An ECDSA P-256 key that signs SHA-256 digests.
pub trait KeySigner {
    /// The signer's certificate (DER); its public key is the key's.
    fn certificate(&self) -> &[u8];
    /// A DER `ECDSA-Sig-Value` over SHA-256 of `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// A tool that returns a detached CMS SignedData (DER) over the content it is given.
pub trait CmsSigner {
    /// The certificate the tool signs with (DER): the CMS it returns must name exactly this one.
    fn certificate(&self) -> &[u8];
    fn sign_detached(&self, content: &[u8]) -> Result<Vec<u8>>;
    /// Checks the signature value of a CMS this tool returned, over `content`, with its certificate (after the
    /// PAdES code has checked its structure, certificate and digest).
    fn verify(&self, cms: &[u8], content: &[u8]) -> Result<()>;
}

/// A private key held in memory (the clinic key, unsealed with the member's password) with its certificate.
pub struct LocalKey<'a> {
    pub cert_der: &'a [u8],
    pub key: &'a p256::ecdsa::SigningKey,
}

impl KeySigner for LocalKey<'_> {
    fn certificate(&self) -> &[u8] {
        self.cert_der
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let signature: DerSignature =
            self.key.try_sign(message).map_err(|e| SigningError::Crypto(format!("signing: {e}")))?;
        Ok(signature.as_bytes().to_vec())
    }
}
