//! The archival form of a document (aimed at PDF/A-2b, ISO 19005-2): PDF 1.7, an sRGB output intent, XMP
//! metadata that repeats the Info dictionary, and nothing that claims another standard (printpdf writes an
//! empty `/GTS_PDFXVersion` and `/Identifier`, which readers take for PDF/X). The fonts are embedded by
//! printpdf (PT Sans subsets, TrueType CID fonts with /ToUnicode and an identity /CIDToGIDMap); signature
//! appearances embed theirs the same way (`stamp`).
//!
//! The XMP does not carry the PDF/A identification (`pdfaid:part`): no PDF/A validator is reachable here, and
//! a document must not claim a standard nobody has checked it against (README, "Archival form").

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use super::Meta;
use crate::signing::pades::{pdf_date, text_string};

const SRGB: &[u8] = include_bytes!("../../assets/icc/sRGB.icc");

/// Marks `doc` (as printpdf built it) archival: version, Info, XMP, output intent.
pub(super) fn mark(doc: &mut Document, meta: &Meta) {
    doc.version = "1.7".into();
    // printpdf's own Info dictionary is replaced where it stands (its empty PDF/X entries must not remain).
    let info = info(meta);
    match doc.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => doc.set_object(id, info),
        Err(_) => {
            let id = doc.add_object(info);
            doc.trailer.set("Info", Object::Reference(id));
        }
    }

    let xmp = Stream::new(
        Dictionary::from_iter(vec![("Type", Object::Name(b"Metadata".to_vec())), ("Subtype", "XML".into())]),
        xmp(meta).into_bytes(),
    )
    .with_compression(false);
    let xmp_id = doc.add_object(xmp);
    let profile_id = doc.add_object(profile());
    let intent = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", Object::string_literal("sRGB IEC61966-2.1")),
        ("RegistryName", Object::string_literal("http://www.color.org")),
        ("Info", Object::string_literal("sRGB IEC61966-2.1")),
        ("DestOutputProfile", Object::Reference(profile_id)),
    ]);
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Metadata", Object::Reference(xmp_id));
        catalog.set("OutputIntents", vec![Object::Dictionary(intent)]);
    }
}

/// The Info dictionary, written afresh: the entries the XMP repeats, nothing else.
fn info(meta: &Meta) -> Dictionary {
    let date = Object::String(pdf_date(&meta.created).into_bytes(), StringFormat::Literal);
    Dictionary::from_iter(vec![
        ("Title", text_string(&meta.title)),
        ("Author", text_string(&meta.author)),
        ("Subject", text_string(&meta.subject)),
        ("Creator", text_string(CREATOR)),
        ("Producer", text_string(&producer())),
        ("CreationDate", date.clone()),
        ("ModDate", date),
    ])
}

const CREATOR: &str = "btlp-commission";

fn producer() -> String {
    format!("btlp-commission {}", env!("CARGO_PKG_VERSION"))
}

/// The sRGB profile as a Flate-compressed ICC stream, compressed once per process.
fn profile() -> Stream {
    static DEFLATED: OnceLock<Stream> = OnceLock::new();
    DEFLATED
        .get_or_init(|| {
            let mut stream = Stream::new(Dictionary::from_iter(vec![("N", Object::Integer(3))]), SRGB.to_vec());
            let _ = stream.compress();
            stream.with_compression(false)
        })
        .clone()
}

fn iso(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Text as XML element content: the markup characters escaped, control characters (which XML 1.0 forbids)
/// left out.
fn escape(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect();
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The XMP packet: Dublin Core title, creator and description, the XMP basic dates and tool, the PDF producer
/// — each the same as its Info entry, as PDF/A asks.
fn xmp(meta: &Meta) -> String {
    let date = iso(&meta.created);
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdf:Producer>{producer}</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{feff}',
        title = escape(&meta.title),
        author = escape(&meta.author),
        subject = escape(&meta.subject),
        creator = CREATOR,
        producer = escape(&producer()),
    )
}
