//! The desktop app's client of the clinic server. It trusts the clinic root from the connection file and
//! nothing else (never the system's store), refuses a server whose certificate does not chain to it or names
//! another host (and says which fingerprint it got), and sends each state-changing request with an
//! idempotency key it reuses when it has to send the request again after a lost reply, so the server stores
//! the vote, signature or record once and answers the retry with the stored reply.
pub mod live;

use btlp_api::connection::{fingerprint_of, ConnectionFile};
use btlp_api::dto::UserInfo;
use btlp_api::{ErrorKind, IpcError};
use btlp_commission::i18n::tr;
use btlp_commission::Lang;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many times a request is sent in all when the connection fails before its reply arrives.
pub const ATTEMPTS: usize = 3;

/// The clinic root's verifier, remembering the fingerprint of a certificate it refused.
#[derive(Debug)]
struct ClinicRoot {
    inner: Arc<WebPkiServerVerifier>,
    refused: Arc<Mutex<Option<String>>>,
}

impl ServerCertVerifier for ClinicRoot {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if verdict.is_err() {
            *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(fingerprint_of(end_entity));
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[derive(serde::Deserialize)]
struct SignedIn {
    token: String,
    user: UserInfo,
}

pub struct Client {
    http: reqwest::Client,
    url: String,
    token: Mutex<Option<String>>,
    lang: Mutex<Lang>,
    refused: Arc<Mutex<Option<String>>>,
}

fn storage(lang: Lang, key: &str, args: &[(&str, String)]) -> IpcError {
    IpcError::transport(
        ErrorKind::Storage,
        &format!("connection.{}", key.rsplit('.').next().unwrap_or(key)),
        tr(lang, key, args),
    )
}

impl Client {
    pub fn new(file: &ConnectionFile, lang: Lang) -> Result<Client, IpcError> {
        let root = file.root_der().map_err(|e| IpcError::new(e, lang))?;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(root)).map_err(|_| storage(lang, "connection.bad_root", &[]))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|_| storage(lang, "connection.bad_root", &[]))?;
        let refused = Arc::new(Mutex::new(None));
        let verifier = ClinicRoot { inner, refused: refused.clone() };
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|_| storage(lang, "connection.bad_root", &[]))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(Duration::from_secs(10))
            // No overall timeout: long work (an archive) may take minutes; a dead peer is found by keepalive.
            .tcp_keepalive(Duration::from_secs(30))
            .build()
            .map_err(|_| storage(lang, "connection.bad_root", &[]))?;
        Ok(Client { http, url: file.url.clone(), token: Mutex::new(None), lang: Mutex::new(lang), refused })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The HTTPS client itself (the clinic root alone trusted), for tests and tools that speak to the server as
    /// a browser would.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn lang(&self) -> Lang {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn signed_in(&self) -> bool {
        self.token.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Asks the server whether it is up (`/api/v1/health`), through the same TLS checks as every request.
    pub async fn health(&self) -> Result<(), IpcError> {
        let response = self.http.get(format!("{}/api/v1/health", self.url)).send().await;
        match response {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(_) => Err(self.unreachable("health")),
            Err(e) => Err(self.transport_error(&e)),
        }
    }

    fn unreachable(&self, detail: &str) -> IpcError {
        storage(self.lang(), "connection.unreachable", &[("url", self.url.clone()), ("detail", detail.to_string())])
    }

    fn transport_error(&self, e: &reqwest::Error) -> IpcError {
        if let Some(fingerprint) = self.refused.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let args = [("url", self.url.clone()), ("fingerprint", fingerprint)];
            return storage(self.lang(), "connection.untrusted", &args);
        }
        let detail = if e.is_timeout() {
            "timeout"
        } else if e.is_connect() {
            "connect"
        } else {
            "io"
        };
        self.unreachable(detail)
    }

    /// Sends one command; on a lost connection sends it again (same idempotency key) up to `ATTEMPTS` times.
    async fn send(&self, name: &str, args: &serde_json::Value) -> Result<reqwest::Response, IpcError> {
        self.send_with_key(name, args, &uuid::Uuid::new_v4().to_string()).await
    }

    async fn send_with_key(
        &self,
        name: &str,
        args: &serde_json::Value,
        key: &str,
    ) -> Result<reqwest::Response, IpcError> {
        let token = self.token.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * attempt as u64)).await;
            }
            let mut request = self
                .http
                .post(format!("{}/api/v1/{name}", self.url))
                .header("Idempotency-Key", key)
                .header("Accept-Language", self.lang().code())
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(args).unwrap_or_default());
            if let Some(t) = &token {
                request = request.header("Authorization", format!("Bearer {t}"));
            }
            match request.send().await {
                Ok(response) => return Ok(response),
                Err(e) => {
                    let error = self.transport_error(&e);
                    // Sent again only when the connection failed; never after a refused certificate or a timeout.
                    if error.code == "connection.untrusted" || e.is_timeout() {
                        return Err(error);
                    }
                    last = Some(error);
                }
            }
        }
        Err(last.unwrap_or_else(|| self.unreachable("io")))
    }

    async fn reply(&self, response: reqwest::Response) -> Result<Vec<u8>, IpcError> {
        let ok = response.status().is_success();
        let body = response.bytes().await.map_err(|e| self.transport_error(&e))?.to_vec();
        if ok {
            return Ok(body);
        }
        let error: IpcError = serde_json::from_slice(&body).map_err(|_| self.unreachable("reply"))?;
        if error.code == "auth.signed_out" {
            *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        Err(error)
    }

    /// A command whose reply is JSON.
    pub async fn call<R: DeserializeOwned>(&self, name: &str, args: serde_json::Value) -> Result<R, IpcError> {
        let response = self.send(name, &args).await?;
        let body = self.reply(response).await?;
        serde_json::from_slice(&body).map_err(|_| self.unreachable("reply"))
    }

    /// A command sent with the idempotency key of an earlier request, as a client does after losing its reply.
    pub async fn call_with_key<R: DeserializeOwned>(
        &self,
        name: &str,
        args: serde_json::Value,
        key: &str,
    ) -> Result<R, IpcError> {
        let response = self.send_with_key(name, &args, key).await?;
        let body = self.reply(response).await?;
        serde_json::from_slice(&body).map_err(|_| self.unreachable("reply"))
    }

    /// A command whose reply is a file's bytes (a PDF), sent as they are.
    pub async fn call_bytes(&self, name: &str, args: serde_json::Value) -> Result<Vec<u8>, IpcError> {
        let response = self.send(name, &args).await?;
        self.reply(response).await
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> Result<UserInfo, IpcError> {
        let signed: SignedIn =
            self.call("session_sign_in", serde_json::json!({ "login": login, "password": password })).await?;
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(signed.token);
        self.call::<()>("app_set_lang", serde_json::json!({ "lang": self.lang().code() })).await?;
        Ok(signed.user)
    }

    pub async fn sign_out(&self) {
        if self.signed_in() {
            let _ = self.call::<()>("session_sign_out", serde_json::json!({})).await;
        }
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub async fn set_lang(&self, lang: Lang) -> Result<(), IpcError> {
        *self.lang.lock().unwrap_or_else(|p| p.into_inner()) = lang;
        if self.signed_in() {
            self.call::<()>("app_set_lang", serde_json::json!({ "lang": lang.code() })).await?;
        }
        Ok(())
    }

    /// The token of the session, for a test that checks another user's token is refused.
    pub fn token(&self) -> Option<String> {
        self.token.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }
}

/// A command's argument name as the server reads it (camelCase, the bindings' spelling).
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Builds a command's arguments: `args!(meeting_id, login)` → `{"meetingId": …, "login": …}`.
#[macro_export]
macro_rules! args {
    ($($arg:ident),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = serde_json::Map::new();
        $(map.insert($crate::camel(stringify!($arg)), serde_json::to_value(&$arg).unwrap_or_default());)*
        serde_json::Value::Object(map)
    }};
}

/// The typed calls of every command in the table, for tests and tools driving a server from Rust.
pub mod commands {
    use super::Client;
    use btlp_api::IpcError;

    macro_rules! client_call {
        (bytes $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
            pub async fn $name(c: &Client, $($arg: $ty),*) -> Result<$ret, IpcError> {
                c.call_bytes(stringify!($name), $crate::args!($($arg),*)).await
            }
        };
        ($kind:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
            pub async fn $name(c: &Client, $($arg: $ty),*) -> Result<$ret, IpcError> {
                c.call(stringify!($name), $crate::args!($($arg),*)).await
            }
        };
    }

    macro_rules! client_calls {
        ($($kind:ident $module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty;)*) => {
            $(client_call!($kind $module::$name($($arg: $ty),*) -> $ret);)*
        };
    }

    btlp_api::for_each_command!(client_calls);
}
