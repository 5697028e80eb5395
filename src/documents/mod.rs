//! PDF documents: the decision extract from the commission's protocol (and, later, consent and
//! administration records), laid out with the PT fonts from `assets/fonts` (subset on embedding), with
//! document metadata and a QR code that ties a paper copy to the record.
//!
//! The QR code carries the decision number and the "content digest", stored with the decision: the SHA-256 of
//! everything laid out before the code (each text run with its face, size and place, each line and box;
//! `Layout::content_digest`). The document is rendered once: the digest is taken from the layout before the
//! code is drawn, not from a first rendering without it.
mod archival;
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
use flate2::write::ZlibEncoder;
use layout::Face;
use printpdf::{ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};

use std::io::Write;
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/PTSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/PTSans-Bold.ttf");

/// A rendered, unsigned document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// SHA-256 (hex) of the layout before the QR code (`Layout::content_digest`); printed in the QR code.
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

/// Renders pages built by `build` into an archival PDF (`archival`) with metadata.
pub(crate) fn save(meta: &Meta, build: impl FnOnce(&Face, &Face) -> Vec<PdfPage>) -> Result<Vec<u8>> {
    let mut doc = typeset(&meta.title, build)?;
    archival::mark(&mut doc, meta);
    write(doc)
}

/// The pages built by `build`, as printpdf lays them out (fonts embedded as subsets), before saving.
fn typeset(title: &str, build: impl FnOnce(&Face, &Face) -> Vec<PdfPage>) -> Result<lopdf::Document> {
    let mut doc = PdfDocument::new(title);
    let regular = face(&mut doc, &REGULAR_FONT, REGULAR)?;
    let bold = face(&mut doc, &BOLD_FONT, BOLD)?;
    let pages = build(&regular, &bold);
    finish(doc, pages)
}

/// As `typeset`, with the regular face only (a stamp): printpdf subsets every face a document has.
fn typeset_regular(title: &str, build: impl FnOnce(&Face) -> Vec<PdfPage>) -> Result<lopdf::Document> {
    let mut doc = PdfDocument::new(title);
    let regular = face(&mut doc, &REGULAR_FONT, REGULAR)?;
    let pages = build(&regular);
    finish(doc, pages)
}

fn finish(mut doc: PdfDocument, pages: Vec<PdfPage>) -> Result<lopdf::Document> {
    // Not printpdf's `optimize`, which deflates at the best level: `write` deflates at the fastest.
    let options = PdfSaveOptions { optimize: false, ..PdfSaveOptions::default() };
    let mut warnings = Vec::new();
    Ok(printpdf::to_lopdf_doc(doc.with_pages(pages), &options, &mut warnings))
}

fn write(mut doc: lopdf::Document) -> Result<Vec<u8>> {
    deflate(&mut doc)?;
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).map_err(|e| Storage::Document(e.to_string()))?;
    Ok(pdf)
}

/// A signature's visible stamp: `lines` in PT Sans on a page of `w` × `h` points, each line shrunk to fit
/// the width. The signing layer copies this page, with its embedded font subset, into the signature's
/// appearance, so the signer's name shows in Cyrillic and the signed file embeds every font it uses.
pub(crate) fn stamp(lines: &[String], w: f32, h: f32) -> Result<Vec<u8>> {
    let doc = typeset_regular("stamp", |regular| {
        let sheet = layout::Sheet { w, h, left: 2.0, right: 2.0, top: 1.5, bottom: 0.0 };
        let mut l = layout::Layout::on(sheet, regular, regular);
        let n = lines.len().max(1) as f32;
        let size = ((h - 3.0) / n / 1.3).min(7.5);
        let lead = size * 1.3;
        let top = ((h - n * lead) / 2.0).max(sheet.top);
        for (i, line) in lines.iter().enumerate() {
            let fits = (sheet.width() / regular.width(line, 1.0).max(0.1)).min(size);
            l.text_beside(sheet.left, top + i as f32 * lead, sheet.width() * 2.0, line, fits);
        }
        l.plain()
    })?;
    write(doc)
}

/// Deflates every stream not yet filtered at deflate's fastest level: printpdf's `optimize` and lopdf's
/// `compress` take the best, which was ≈ 7 ms of a decision's 9.5 ms; the fastest takes ≈ 1 ms for nearly
/// the same size. Every document is stored, signed, hashed, backed up and archived many times over, so it is
/// written small once: a decision takes ≈ 110 KB instead of ≈ 190 KB (most of it the two fonts' subsets).
fn deflate(doc: &mut lopdf::Document) -> Result<()> {
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if stream.allows_compression && stream.dict.get(b"Filter").is_err() {
                let mut encoder = ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
                encoder.write_all(&stream.content).map_err(|e| Storage::Document(e.to_string()))?;
                let compressed = encoder.finish().map_err(|e| Storage::Document(e.to_string()))?;
                if compressed.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(compressed);
                }
            }
        }
    }
    Ok(())
}

/// The dark modules of a QR code for `text`, row by row.
pub(crate) fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Storage::Document(e.to_string()))?;
    let width = code.width();
    let colors = code.into_colors();
    Ok(colors.chunks(width).map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect()).collect())
}
