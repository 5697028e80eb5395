//! A secret (a member's private signing key) sealed under that member's password. The key is derived with
//! argon2id (argon2 0.5 default costs) and the secret encrypted with XChaCha20-Poly1305. The sealed bytes
//! describe themselves (format version, argon2 costs, salt, nonce), so costs can be raised later without
//! breaking what is already stored; the header and a caller-given context string are authenticated data,
//! which ties a sealed key to its owner (e.g. `"user:42:signing-key"`) and defeats swapping blobs between rows.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

use super::{Result, SigningError};

/// Marks sealed bytes of this layer; the byte after it is the format version.
const MAGIC: &[u8; 4] = b"BTSK";
const FORMAT_V1: u8 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// magic, version, then m/t/p costs as big-endian u32, salt and nonce.
const HEADER_LEN: usize = MAGIC.len() + 1 + 12 + SALT_LEN + NONCE_LEN;
const TAG_LEN: usize = 16;

/// Costs above these are refused when opening: a tampered header must not make us allocate gigabytes.
const MAX_M_COST_KIB: u32 = 1 << 20;
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 16;

/// Seals `secret` under `password`; `aad` is a context string that must be given again to open it.
pub fn seal(secret: &[u8], password: &str, aad: &str) -> Result<Vec<u8>> {
    let params = Params::default();
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);

    let mut out = Vec::with_capacity(HEADER_LEN + secret.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_V1);
    out.extend_from_slice(&params.m_cost().to_be_bytes());
    out.extend_from_slice(&params.t_cost().to_be_bytes());
    out.extend_from_slice(&params.p_cost().to_be_bytes());
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);

    let key = derive_key(password, &salt, params)?;
    let cipher = XChaCha20Poly1305::new(key.as_slice().into());
    let aad_bytes = authenticated_data(&out, aad);
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad: &aad_bytes })
        .map_err(|_| SigningError::Crypto("encryption failed".into()))?;
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Opens bytes made by [`seal`]. A wrong password, a wrong `aad` or altered bytes all give
/// [`SigningError::BadPassword`]: authenticated encryption cannot tell them apart.
pub fn open(sealed: &[u8], password: &str, aad: &str) -> Result<Zeroizing<Vec<u8>>> {
    if sealed.len() < HEADER_LEN + TAG_LEN || &sealed[..MAGIC.len()] != MAGIC {
        return Err(SigningError::Malformed("not a sealed secret".into()));
    }
    let version = sealed[MAGIC.len()];
    if version != FORMAT_V1 {
        return Err(SigningError::Malformed(format!("unknown sealed-secret format version {version}")));
    }
    let header = &sealed[..HEADER_LEN];
    let cost = |at: usize| {
        let start = MAGIC.len() + 1 + 4 * at;
        u32::from_be_bytes([header[start], header[start + 1], header[start + 2], header[start + 3]])
    };
    let (m_cost, t_cost, p_cost) = (cost(0), cost(1), cost(2));
    if m_cost > MAX_M_COST_KIB || t_cost > MAX_T_COST || p_cost > MAX_P_COST {
        return Err(SigningError::Malformed("sealed-secret costs out of range".into()));
    }
    let params = Params::new(m_cost, t_cost, p_cost, Some(KEY_LEN))
        .map_err(|e| SigningError::Malformed(format!("sealed-secret costs: {e}")))?;
    let salt_start = MAGIC.len() + 1 + 12;
    let salt = &header[salt_start..salt_start + SALT_LEN];
    let nonce = &header[salt_start + SALT_LEN..HEADER_LEN];

    let key = derive_key(password, salt, params)?;
    let cipher = XChaCha20Poly1305::new(key.as_slice().into());
    let aad_bytes = authenticated_data(header, aad);
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: &sealed[HEADER_LEN..], aad: &aad_bytes })
        .map_err(|_| SigningError::BadPassword)?;
    Ok(Zeroizing::new(plain))
}

fn derive_key(password: &str, salt: &[u8], params: Params) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, key.as_mut_slice())
        .map_err(|e| SigningError::Crypto(format!("key derivation: {e}")))?;
    Ok(key)
}

/// The header and the caller's context, length-prefixed so that no two (header, context) pairs collide.
fn authenticated_data(header: &[u8], aad: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(header.len() + 8 + aad.len());
    data.extend_from_slice(header);
    data.extend_from_slice(&(aad.len() as u64).to_be_bytes());
    data.extend_from_slice(aad.as_bytes());
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip() {
        let secret = b"a private key, 32 bytes long....";
        let sealed = seal(secret, "пароль председателя", "user:1:signing-key").expect("sealing works");
        assert!(
            !sealed.windows(secret.len()).any(|w| w == secret),
            "the sealed bytes must not contain the secret in the clear"
        );
        let opened = open(&sealed, "пароль председателя", "user:1:signing-key").expect("the right password opens");
        assert_eq!(opened.as_slice(), secret, "opening gives back exactly the sealed secret");
    }

    #[test]
    fn wrong_password_or_context_is_bad_password() {
        let sealed = seal(b"secret", "right", "user:1").expect("sealing works");
        assert!(
            matches!(open(&sealed, "wrong", "user:1"), Err(SigningError::BadPassword)),
            "a wrong password must be reported as BadPassword, not as a broken file"
        );
        assert!(
            matches!(open(&sealed, "right", "user:2"), Err(SigningError::BadPassword)),
            "a key sealed for one user must not open in another user's context"
        );
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(
            matches!(open(&tampered, "right", "user:1"), Err(SigningError::BadPassword)),
            "altered ciphertext must fail authentication"
        );
        assert!(
            matches!(open(b"garbage", "right", "user:1"), Err(SigningError::Malformed(_))),
            "bytes that are not a sealed secret are Malformed"
        );
    }
}
