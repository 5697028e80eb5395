//! Keys on PKCS#11 tokens (Rutoken, JaCarta, SoftHSM2 in the tests) through the token vendor's module, with
//! the `cryptoki` crate. The user picks a certificate on the token once ([`certificates`] needs no PIN); each
//! signature then logs in with the PIN the user types ([`TokenKey::open`]), which is held only in memory for
//! that signature and never stored. Only ECDSA P-256 keys sign here: the PAdES code checks every signature
//! against the certificate's key before it is embedded.
//!
//! A PKCS#11 module is initialised once per process and C_Initialize fails when it already is, so every use
//! holds one lock, initialises, works and finalises.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use sha2::{Digest, Sha256};

use super::signer::KeySigner;
use super::{Result, SigningError, TokenFailure};

static MODULE_LOCK: Mutex<()> = Mutex::new(());

/// A certificate on a token, with what finds its private key again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCertificate {
    pub token_serial: String,
    pub token_label: String,
    /// CKA_ID, shared by the certificate and its private key.
    pub key_id: Vec<u8>,
    pub cert_der: Vec<u8>,
}

/// Every X.509 certificate on every token the module sees.
pub fn certificates(module: &Path) -> Result<Vec<TokenCertificate>> {
    with_module(module, |ctx| {
        let mut found = Vec::new();
        for slot in ctx.get_slots_with_initialized_token().map_err(failure)? {
            let info = ctx.get_token_info(slot).map_err(failure)?;
            let session = ctx.open_ro_session(slot).map_err(failure)?;
            let template = [Attribute::Class(ObjectClass::CERTIFICATE)];
            for handle in session.find_objects(&template).map_err(failure)? {
                let attrs =
                    session.get_attributes(handle, &[AttributeType::Id, AttributeType::Value]).map_err(failure)?;
                let (mut id, mut value) = (Vec::new(), Vec::new());
                for attr in attrs {
                    match attr {
                        Attribute::Id(v) => id = v,
                        Attribute::Value(v) => value = v,
                        _ => {}
                    }
                }
                if !value.is_empty() {
                    found.push(TokenCertificate {
                        token_serial: info.serial_number().trim().to_string(),
                        token_label: info.label().trim().to_string(),
                        key_id: id,
                        cert_der: value,
                    });
                }
            }
        }
        Ok(found)
    })
}

/// A token's key, checked to open with the PIN; it signs by logging in again with the same PIN.
pub struct TokenKey {
    module: PathBuf,
    token_serial: String,
    key_id: Vec<u8>,
    cert_der: Vec<u8>,
    pin: AuthPin,
}

impl TokenKey {
    /// Finds the token by its serial and the private key by its id, and logs in with `pin`: a wrong PIN, a
    /// locked PIN, a token not inserted and a key not on it are each told apart here, before any signing.
    pub fn open(module: &Path, token_serial: &str, key_id: &[u8], cert_der: &[u8], pin: &str) -> Result<TokenKey> {
        let key = TokenKey {
            module: module.to_path_buf(),
            token_serial: token_serial.to_string(),
            key_id: key_id.to_vec(),
            cert_der: cert_der.to_vec(),
            pin: AuthPin::from(pin.to_string()),
        };
        key.with_key(|_, _| Ok(()))?;
        Ok(key)
    }

    fn with_key<T>(&self, work: impl FnOnce(&Session, ObjectHandle) -> Result<T>) -> Result<T> {
        with_module(&self.module, |ctx| {
            let slot = find_token(ctx, &self.token_serial)?;
            let session = ctx.open_ro_session(slot).map_err(failure)?;
            session.login(UserType::User, Some(&self.pin)).map_err(failure)?;
            let template = [Attribute::Class(ObjectClass::PRIVATE_KEY), Attribute::Id(self.key_id.clone())];
            let key = session
                .find_objects(&template)
                .map_err(failure)?
                .into_iter()
                .next()
                .ok_or(SigningError::Token(TokenFailure::KeyMissing))?;
            let result = work(&session, key);
            let _ = session.logout();
            result
        })
    }
}

impl KeySigner for TokenKey {
    fn certificate(&self) -> &[u8] {
        &self.cert_der
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        let digest = Sha256::digest(message);
        let raw = self.with_key(|session, key| session.sign(&Mechanism::Ecdsa, key, &digest).map_err(failure))?;
        // CKM_ECDSA gives r ‖ s; CMS wants the DER ECDSA-Sig-Value.
        let signature = p256::ecdsa::Signature::from_slice(&raw)
            .map_err(|_| SigningError::Crypto("the token's signature is not a P-256 signature".into()))?;
        Ok(signature.to_der().as_bytes().to_vec())
    }
}

fn find_token(ctx: &Pkcs11, serial: &str) -> Result<Slot> {
    for slot in ctx.get_slots_with_initialized_token().map_err(failure)? {
        if ctx.get_token_info(slot).map_err(failure)?.serial_number().trim() == serial {
            return Ok(slot);
        }
    }
    Err(SigningError::Token(TokenFailure::Absent))
}

fn with_module<T>(module: &Path, work: impl FnOnce(&Pkcs11) -> Result<T>) -> Result<T> {
    let _guard = MODULE_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let ctx = Pkcs11::new(module).map_err(|_| SigningError::Token(TokenFailure::Module))?;
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)).map_err(failure)?;
    let result = work(&ctx);
    let _ = ctx.finalize();
    result
}

fn failure(e: CkError) -> SigningError {
    SigningError::Token(match e {
        CkError::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange, _) => {
            TokenFailure::PinIncorrect
        }
        CkError::Pkcs11(RvError::PinLocked | RvError::PinExpired, _) => TokenFailure::PinLocked,
        CkError::Pkcs11(
            RvError::TokenNotPresent | RvError::DeviceRemoved | RvError::SlotIdInvalid | RvError::SessionClosed,
            _,
        ) => TokenFailure::Absent,
        CkError::LibraryLoading(_) | CkError::MissingSymbol(_) => TokenFailure::Module,
        other => TokenFailure::Other(other.to_string()),
    })
}
