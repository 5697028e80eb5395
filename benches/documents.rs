//! Rendering and signing decisions, timed in-process: one decision rendered; signed by 3 and by 7 signers;
//! rendered and signed by 3 signers end to end; 1,000 decisions rendered and signed. The signers' keys are
//! already unlocked (unsealing a key with argon2id is a per-session cost, measured separately), so the
//! figures are the document work itself. Writes the unsigned PDF, a signer's key and certificate and the
//! root to `bench/out/` for the pyHanko comparison (`bench/run.sh`), and prints a JSON line of medians.
use btlp_commission::documents::{decision_sheet, render_decision, Rendered};
use btlp_commission::signatures::appearance;
use btlp_commission::signing::ca::{self, Subject};
use btlp_commission::signing::pades::{self, SignRequest};
use btlp_commission::signing::signer::LocalKey;
use btlp_commission::{clinic, commission, Lang};
use chrono::Utc;
use p256::pkcs8::EncodePrivateKey;
use std::time::Instant;

struct Signer {
    cert: Vec<u8>,
    key: p256::ecdsa::SigningKey,
    name: String,
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(|a, b| a.total_cmp(b));
    ms[ms.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed().as_secs_f64() * 1000.0)
}

/// Signs as the clinic does: each signature visible in its signer's box, its stamp typeset with the
/// document's font (the signer's short name, the time, the certificate's number); or, with `visible` false,
/// invisible, as pyHanko signs in `bench/pyhanko_sign.py`.
fn sign_all(rendered: &Rendered, signers: &[Signer], root: &[u8], visible: bool) -> Vec<u8> {
    let mut pdf = rendered.pdf.clone();
    let chain = vec![root.to_vec()];
    let boxes: Vec<[f32; 5]> =
        rendered.signature_boxes.iter().map(|b| [b.page as f32, b.x, b.y, b.x + b.w, b.y + b.h]).collect();
    for (i, s) in signers.iter().enumerate() {
        let field = format!("Подпись {}", i + 1);
        let time = Utc::now().fixed_offset();
        let stamp = [
            btlp_commission::names::short(&s.name),
            time.format("%d.%m.%Y %H:%M:%S %:z").to_string(),
            format!("сертификат № {}", 100 + i),
        ];
        let req = SignRequest {
            signer: pades::Signer::Key(&LocalKey { cert_der: &s.cert, key: &s.key }),
            chain: &chain,
            field_name: &field,
            signer_name: &s.name,
            reason: "Решение врачебной комиссии",
            location: "Клиника",
            time,
            appearance: if visible { appearance(&boxes, i, &stamp).expect("a stamp") } else { None },
        };
        pdf = pades::sign(&pdf, &req).expect("signing works");
    }
    pdf
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db_path = dir.path().join("bench.db");
    let session = btlp_commission::demo::build(&db_path).expect("the demo clinic builds");
    drop(session);
    let s = clinic::sign_in(&db_path, "chair", "chair-demo").expect("sign-in");
    let decision = commission::by_number(s.db.conn(), "1/2026").expect("decision 1/2026");
    let sheet = decision_sheet(s.db.conn(), &decision).expect("the decision's data");

    let (root, root_key) = ca::new_root("Клиника", Utc::now(), 10).expect("a root");
    let signers: Vec<Signer> = (0..7)
        .map(|i| {
            let key = ca::new_key();
            let name = format!("Член Комиссии {i}");
            let subject =
                Subject { full_name: name.clone(), position: "Врач".into(), organization: "Клиника".into() };
            let cert = ca::issue(&root, &root_key, &subject, &key.public_key(), 100 + i as u64, Utc::now(), 3)
                .expect("a member certificate");
            Signer { cert, key: p256::ecdsa::SigningKey::from(key), name }
        })
        .collect();

    let runs = 40;
    let render: Vec<f64> = (0..runs).map(|_| time(|| render_decision(&sheet, Lang::Ru).expect("renders")).1).collect();
    let rendered = render_decision(&sheet, Lang::Ru).expect("renders");
    let unsigned = rendered.pdf.clone();
    let invisible: Vec<f64> = (0..runs).map(|_| time(|| sign_all(&rendered, &signers[..1], &root, false)).1).collect();
    let sign1: Vec<f64> = (0..runs).map(|_| time(|| sign_all(&rendered, &signers[..1], &root, true)).1).collect();
    let sign3: Vec<f64> = (0..runs).map(|_| time(|| sign_all(&rendered, &signers[..3], &root, true)).1).collect();
    let sign7: Vec<f64> = (0..runs).map(|_| time(|| sign_all(&rendered, &signers, &root, true)).1).collect();
    let both: Vec<f64> = (0..runs)
        .map(|_| time(|| sign_all(&render_decision(&sheet, Lang::Ru).expect("renders"), &signers[..3], &root, true)).1)
        .collect();
    let (_, thousand) = time(|| {
        for _ in 0..1000 {
            let rendered = render_decision(&sheet, Lang::Ru).expect("renders");
            std::hint::black_box(sign_all(&rendered, &signers[..3], &root, true));
        }
    });

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/out");
    std::fs::create_dir_all(&out).expect("bench/out");
    std::fs::write(out.join("unsigned.pdf"), &unsigned).expect("write");
    std::fs::write(out.join("root.der"), &root).expect("write");
    std::fs::write(out.join("signer.der"), &signers[0].cert).expect("write");
    let key = p256::SecretKey::from(signers[0].key.as_nonzero_scalar()).to_pkcs8_der().expect("pkcs8");
    std::fs::write(out.join("signer-key.der"), key.as_bytes()).expect("write");

    let (r, s1, s3, s7, b) = (median(render), median(sign1), median(sign3), median(sign7), median(both));
    let s0 = median(invisible);
    println!("render one decision:              median {r:.2} ms ({} bytes, {runs} runs)", unsigned.len());
    println!("first signature, invisible:       median {s0:.2} ms");
    println!("first signature, visible:         median {s1:.2} ms");
    println!("sign by 3 signers:                median {s3:.2} ms ({:.2} ms per signature)", s3 / 3.0);
    println!("sign by 7 signers:                median {s7:.2} ms ({:.2} ms per signature)", s7 / 7.0);
    println!("render + sign by 3 signers:       median {b:.2} ms");
    println!("render + sign 1,000 decisions:    {:.0} ms in all ({:.2} ms each)", thousand, thousand / 1000.0);
    println!(
        "{{\"render_ms\":{r:.3},\"sign3_ms\":{s3:.3},\"sign7_ms\":{s7:.3},\"render_sign3_ms\":{b:.3},\"first_signature_ms\":{s0:.3},\"first_visible_ms\":{s1:.3},\"thousand_ms\":{thousand:.0}}}"
    );
}
