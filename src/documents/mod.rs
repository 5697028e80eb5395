//! PDF documents: the decision extract from the commission's protocol (and, later, consent and
//! administration records), laid out with the PT fonts from `assets/fonts` (subset on embedding), with
//! document metadata and a QR code that ties a paper copy to the record.
//!
//! The QR code carries the decision number and the SHA-256 of the rendering made without the QR code (the
//! "content digest"), which is stored with the decision; the document is then rendered again with the code.
mod consent_form;
mod decision;
mod journal;
mod label;
mod layout;
mod minutes;
mod records;

pub use consent_form::render_consent_form;
pub use decision::{adoption_preview, decision_sheet, decision_text, render_decision, AdoptionPreview, DecisionSheet};
pub use journal::{render_journal, render_table};
pub use label::{label_size, render_label, set_label_size, LabelSize};
pub use layout::Placed;
pub use minutes::{render_agenda, render_minutes};
pub use records::{administration_sheet, consent_sheet, render_record, RecordSheet};

use crate::error::{Result, Storage};
use layout::Face;
use printpdf::{ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/PTSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/PTSans-Bold.ttf");

/// A rendered, unsigned document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// SHA-256 (hex) of the rendering without the QR code; printed in the QR code.
    pub content_sha256: String,
    /// Where each signer's signature appears, in signing order.
    pub signature_boxes: Vec<Placed>,
}

pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub created: chrono::DateTime<chrono::FixedOffset>,
}

/// Parsing a TTF costs milliseconds, so each face is parsed once per process and cloned into documents.
fn parsed(cell: &'static OnceLock<Option<ParsedFont>>, bytes: &[u8]) -> Result<ParsedFont> {
    cell.get_or_init(|| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()))
        .clone()
        .ok_or_else(|| Storage::Document("font".into()).into())
}

fn face(doc: &mut PdfDocument, cell: &'static OnceLock<Option<ParsedFont>>, bytes: &[u8]) -> Result<Face> {
    let font = parsed(cell, bytes)?;
    let id = doc.add_font(&font);
    Ok(Face { font, id })
}

static REGULAR_FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();
static BOLD_FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();

/// Renders pages built by `build` into PDF bytes with metadata.
pub(crate) fn save(meta: &Meta, build: impl FnOnce(&Face, &Face) -> Vec<PdfPage>) -> Result<Vec<u8>> {
    let mut doc = PdfDocument::new(&meta.title);
    let regular = face(&mut doc, &REGULAR_FONT, REGULAR)?;
    let bold = face(&mut doc, &BOLD_FONT, BOLD)?;
    let pages = build(&regular, &bold);
    let created =
        printpdf::DateTime::from_unix_timestamp(meta.created.timestamp()).unwrap_or(printpdf::DateTime::epoch());
    let info = &mut doc.metadata.info;
    info.document_title = meta.title.clone();
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.creator = "btlp-commission".into();
    info.producer = format!("btlp-commission {}", env!("CARGO_PKG_VERSION"));
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;
    let mut warnings = Vec::new();
    // printpdf's `optimize` deflates every stream at a high level: measured at ≈ 7 ms of the ≈ 9.5 ms a
    // decision takes to save, for a file 2.4× smaller (75 KB instead of 180 KB). Rendering and signing fast
    // matters more here than a hundred kilobytes, so streams stay uncompressed.
    let options = PdfSaveOptions { optimize: false, ..PdfSaveOptions::default() };
    let mut pdf = doc.with_pages(pages).save(&options, &mut warnings);
    claim_no_standard(&mut pdf);
    Ok(pdf)
}

/// printpdf always writes `/GTS_PDFXVersion` into the Info dictionary (empty when no PDF/X is meant) and an
/// empty `/Identifier`; readers such as `pdfinfo` then take the document for PDF/X (ISO 15930). A signed
/// document must not claim a standard it does not meet, so both entries are blanked with spaces of the same
/// length — every byte offset (and so the cross-reference table) stays as it was.
fn claim_no_standard(pdf: &mut [u8]) {
    for entry in [&b"/GTS_PDFXVersion()"[..], &b"/Identifier()"[..]] {
        if let Some(at) = pdf.windows(entry.len()).position(|w| w == entry) {
            pdf[at..at + entry.len()].fill(b' ');
        }
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The dark modules of a QR code for `text`, row by row.
pub(crate) fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Storage::Document(e.to_string()))?;
    let width = code.width();
    let colors = code.into_colors();
    Ok(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}
