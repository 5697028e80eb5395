//! Bad input (issue 7): every parser and validator of what a user types or a file brings, given arbitrary
//! input, returns a value or a typed error naming its field — never a panic. Properties over random input
//! (proptest), with the shapes real input takes mixed in.
use crate::common::Clinic;
use btlp_commission::consent::Scan;
use btlp_commission::error::Error;
use btlp_commission::production::{self, Stage};
use btlp_commission::{icd, signatures, validate};
use proptest::prelude::*;

/// The error must be a typed `Invalid` naming `field` (or a domain refusal), and its message non-empty.
fn typed(r: Result<(), Error>, field: &str) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert!(
            matches!(&e, Error::Invalid { field: f, .. } if *f == field),
            "{field}: expected a typed error naming the field, got {e:?}"
        );
        prop_assert!(!e.message(btlp_commission::Lang::Ru).is_empty(), "every error explains itself");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn snils_and_enp_never_panic(s in "\\PC{0,20}|[0-9 -]{9,16}") {
        typed(validate::snils("snils", &s).map(drop), "snils")?;
        typed(validate::enp("oms_number", &s).map(drop), "oms_number")?;
    }

    #[test]
    fn dates_and_moments_never_panic(s in "\\PC{0,24}|[0-9]{1,4}[.-][0-9]{1,2}[.-][0-9]{1,4}( [0-9]{1,2}:[0-9]{1,2})?") {
        typed(validate::date("on_date", &s).map(drop), "on_date")?;
        typed(validate::instant("done_at", &s).map(drop), "done_at")?;
        let r = validate::period(&s, &s).map(drop);
        if let Err(e) = r {
            prop_assert!(matches!(e, Error::Invalid { field: "from" | "to", .. }), "period: {e:?}");
        }
    }

    #[test]
    fn texts_ids_and_codes_never_panic(s in "\\PC{0,300}") {
        typed(validate::text("note", &s, 200).map(drop), "note")?;
        typed(validate::id("case_id", &s).map(drop), "case_id")?;
        typed(Stage::parse(&s).map(drop), "stage")?;
        let code = production::normalise_code(&s);
        prop_assert_eq!(code.trim(), code.as_str(), "a normalised code has no surrounding space");
        let _ = icd::normalize(&s);
    }

    #[test]
    fn uploaded_files_are_recognised_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        typed(Scan::check_as("evidence", &bytes).map(drop), "evidence")?;
    }

    #[test]
    fn a_pdf_given_to_verify_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096), pdf in any::<bool>()) {
        let mut input = if pdf { b"%PDF-1.7\n".to_vec() } else { Vec::new() };
        input.extend(bytes);
        let _ = signatures::verify(&input, b"not a certificate", &[]);
    }

    /// A root certificate given to `btlp verify --root` (PEM text, or DER inside it): a certificate or an error.
    #[test]
    fn an_imported_certificate_never_panics(body in "[A-Za-z0-9+/=\\n]{0,600}", der in proptest::collection::vec(any::<u8>(), 0..700)) {
        let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        if let Ok(der) = btlp_commission::signing::ca::from_pem(&pem) {
            let _ = btlp_commission::signing::ca::info(&der);
        }
        let _ = btlp_commission::signing::ca::info(&der);
        let _ = signatures::verify(b"%PDF-1.7\n", &der, &[]);
    }

    /// The Ministry's МКБ-10 file as an admin uploads it: imported, or refused with a typed error.
    #[test]
    fn an_icd_file_is_imported_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
        let mut c = IMPORT.with(|c| c.take()).unwrap_or_else(crate::common::Clinic::new);
        let admin = c.as_("admin");
        let r = icd::import_file(&mut c.db, &admin, &bytes);
        IMPORT.with(|slot| slot.set(Some(c)));
        prop_assert!(
            !matches!(r, Err(Error::Storage(btlp_commission::error::Storage::Sqlite(_)))),
            "a malformed file is refused as such, not by a raw database error: {r:?}"
        );
    }
}

thread_local! {
    /// One clinic for all the import cases of a thread (making one per case would take minutes).
    static IMPORT: std::cell::Cell<Option<crate::common::Clinic>> = const { std::cell::Cell::new(None) };
}

#[test]
fn icd_codes_from_a_user_are_checked_against_the_catalogue() {
    let c = Clinic::new();
    for bad in ["", "C", "Ц83.3", "C83.3.3.3", "'; DROP TABLE icd_codes; --", "C83.3\0"] {
        let r = icd::require_code(c.db.conn(), "icd_code", bad);
        assert!(
            matches!(r, Err(Error::Invalid { field: "icd_code", .. })),
            "{bad:?} must be refused as an МКБ-10 code"
        );
    }
}
