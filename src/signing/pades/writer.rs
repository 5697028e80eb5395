//! Writing a signature: an incremental update (lopdf's `IncrementalDocument`) that appends a signature
//! dictionary, a signature widget (invisible, or showing the caller's stamp) and the field's entry in /AcroForm, leaving every
//! earlier byte as it was so that earlier signatures stay valid. The update is written with fixed-size
//! placeholders for /ByteRange and /Contents, which are then patched in place: the digest covers the whole
//! file except the hex string of /Contents.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

use super::{cades, text, SignRequest, CONTENTS_RESERVED};
use crate::signing::signer::Signer;
use crate::signing::{ca, Result, SigningError};

/// Written into /ByteRange before the real offsets are known: ten digits, as wide as any offset we write.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;
/// Print (4) + Locked (128): the widget is printed like any annotation and cannot be moved or deleted.
const WIDGET_FLAGS: i64 = 132;
/// SignaturesExist (1) + AppendOnly (2): tells editors to save only as incremental updates from now on.
const SIG_FLAGS: i64 = 3;

pub(super) fn sign(pdf: &[u8], req: &SignRequest) -> Result<Vec<u8>> {
    let out = sign_parsed(pdf, req, true)?;
    // A blanked value copied into the update (an earlier signature dictionary written inline in an object the
    // update copies, which this program never writes) would change what it shows: parse the file as it is.
    if memchr::memmem::find(&out[pdf.len()..], BLANKED).is_some() {
        return sign_parsed(pdf, req, false);
    }
    Ok(out)
}

/// What a blanked signature value looks like: a hex string of spaces.
const BLANKED: &[u8] = b"<                                                                ";

pub(super) fn sign_parsed(pdf: &[u8], req: &SignRequest, blank: bool) -> Result<Vec<u8>> {
    super::ensure_pdf(pdf)?;
    if req.field_name.trim().is_empty() || req.field_name.contains('.') {
        return Err(SigningError::InvalidFieldName(req.field_name.to_string()));
    }
    ca::parse(req.signer.certificate())?;
    let doc = if blank { Document::load_mem(&without_signature_values(pdf))? } else { Document::load_mem(pdf)? };
    if doc.is_encrypted() || doc.encryption_state.is_some() {
        return Err(SigningError::Malformed("encrypted PDFs cannot be signed".into()));
    }
    if super::reader::field_names(&doc).iter().any(|name| name == req.field_name) {
        return Err(SigningError::DuplicateField(req.field_name.to_string()));
    }
    let root_id = doc.trailer.get(b"Root").and_then(Object::as_reference)?;
    let page = req.appearance.as_ref().map(|a| a.page).unwrap_or(0);
    let page_id = *doc
        .get_pages()
        .values()
        .nth(page)
        .ok_or_else(|| SigningError::Malformed(format!("the PDF has no page {}", page + 1)))?;
    let version = doc.version.clone();

    let mut inc = IncrementalDocument::create_from(pdf.to_vec(), doc);
    inc.new_document.version = version;
    let sig_id = inc.new_document.add_object(signature_dictionary(req));
    let mut field = signature_field(req.field_name, sig_id, page_id);
    if let Some(a) = &req.appearance {
        let stream = appearance_stream(&mut inc, &a.stamp)?;
        let stream_id = inc.new_document.add_object(stream);
        field.set("Rect", a.rect.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>());
        let mut ap = Dictionary::new();
        ap.set("N", Object::Reference(stream_id));
        field.set("AP", ap);
    }
    let field_id = inc.new_document.add_object(field);
    add_to_acroform(&mut inc, root_id, field_id)?;
    add_to_annots(&mut inc, page_id, field_id)?;

    let mut out = Vec::with_capacity(pdf.len() + 2 * CONTENTS_RESERVED + 4096);
    inc.save_to(&mut out).map_err(|e| SigningError::Malformed(format!("writing the update: {e}")))?;
    // lopdf ends at `%%EOF`; the end-of-line the specification asks for keeps the next tool's update (pyHanko
    // appends right after the last byte) on a line of its own, and is signed like the rest.
    out.push(b'\n');
    fill_in(&mut out, pdf.len(), req)?;
    Ok(out)
}

/// A copy of `pdf` for parsing, in which the hex digits of earlier signatures' values are spaces: each
/// `/ByteRange [a b c d]`'s gap, from `b` to `c`, when it holds a hex string. The update never reads them (it
/// copies the catalog, the form, the page and arrays, never a signature value; `sign` checks that none was
/// copied), and lopdf reads a hex string a digit at a time: 16 KB per earlier signature was most of the
/// parsing. The length and every offset stay as they are; white space inside a hex string is allowed.
pub(super) fn without_signature_values(pdf: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let key = b"/ByteRange";
    let mut copy: Option<Vec<u8>> = None;
    for at in memchr::memmem::find_iter(pdf, key) {
        let Some((gap_start, gap_end)) = byte_range_gap(&pdf[at + key.len()..]) else { continue };
        let (Some(b'<'), Some(b'>')) = (pdf.get(gap_start), gap_end.checked_sub(1).and_then(|i| pdf.get(i))) else {
            continue;
        };
        let inside = gap_start + 1..gap_end - 1;
        if inside.is_empty() || !pdf[inside.clone()].iter().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace()) {
            continue;
        }
        copy.get_or_insert_with(|| pdf.to_vec())[inside].fill(b' ');
    }
    copy.map_or(std::borrow::Cow::Borrowed(pdf), std::borrow::Cow::Owned)
}

/// The second and third numbers of a `[a b c d]` array at the start of `text` (after white space).
fn byte_range_gap(text: &[u8]) -> Option<(usize, usize)> {
    let text = &text[..text.len().min(80)];
    let open = text.iter().position(|b| !b.is_ascii_whitespace()).filter(|&i| text[i] == b'[')?;
    let close = text.iter().position(|&b| b == b']')?;
    let inner = std::str::from_utf8(text.get(open + 1..close)?).ok()?;
    let numbers: Vec<usize> =
        inner.split_ascii_whitespace().map(str::parse).collect::<std::result::Result<_, _>>().ok()?;
    match numbers[..] {
        [_, b, c, _] if b < c => Some((b, c)),
        _ => None,
    }
}

fn signature_dictionary(req: &SignRequest) -> Dictionary {
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    let placeholder = Object::Integer(BYTE_RANGE_PLACEHOLDER);
    sig.set("ByteRange", vec![Object::Integer(0), placeholder.clone(), placeholder.clone(), placeholder]);
    // Written as a literal string of the hex digits' width, `(00…0)`, and turned into the hex string `<00…0>`
    // by `fill_in`: lopdf formats a hex string a byte at a time, which was a tenth of a signature's time.
    sig.set("Contents", Object::String(vec![b'0'; 2 * CONTENTS_RESERVED], StringFormat::Literal));
    sig.set("M", Object::String(text::format_date(&req.time).into_bytes(), StringFormat::Literal));
    sig.set("Name", text::encode(req.signer_name));
    sig.set("Reason", text::encode(req.reason));
    sig.set("Location", text::encode(req.location));
    sig
}

/// A merged field and widget annotation, invisible (zero rectangle) so the printed decision is unchanged.
fn signature_field(name: &str, sig_id: ObjectId, page_id: ObjectId) -> Dictionary {
    let mut field = Dictionary::new();
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", text::encode(name));
    field.set("V", Object::Reference(sig_id));
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("F", Object::Integer(WIDGET_FLAGS));
    field.set("Rect", vec![Object::Integer(0); 4]);
    field.set("P", Object::Reference(page_id));
    field
}

/// The widget's normal appearance: page 1 of the caller's stamp PDF as a form XObject, its objects (content,
/// fonts with their programs) copied into this update. The form's box is the stamp's page; a reader scales it
/// onto the widget's rectangle.
fn appearance_stream(inc: &mut IncrementalDocument, stamp: &[u8]) -> Result<lopdf::Stream> {
    let bad = |what: &str| SigningError::Malformed(format!("the signature's stamp: {what}"));
    let src = Document::load_mem(stamp)?;
    let page_id = *src.get_pages().values().next().ok_or_else(|| bad("no page"))?;
    let page = src.get_dictionary(page_id)?;
    let media_box = match page.get(b"MediaBox")? {
        Object::Reference(id) => src.get_object(*id)?.clone(),
        other => other.clone(),
    };
    let content = src.get_page_content(page_id);
    let resources = match page.get(b"Resources")? {
        Object::Reference(id) => src.get_object(*id)?.clone(),
        other => other.clone(),
    };
    let mut copied = BTreeMap::new();
    let resources = import(&src, &resources, &mut inc.new_document, &mut copied)?;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set("BBox", media_box);
    dict.set("Resources", resources);
    Ok(lopdf::Stream::new(dict, content))
}

/// A deep copy of `object` from `src` into `dst`: every object it refers to gets a new number in `dst`, once.
fn import(
    src: &Document,
    object: &Object,
    dst: &mut Document,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
) -> Result<Object> {
    Ok(match object {
        Object::Reference(id) => {
            if let Some(new) = copied.get(id) {
                return Ok(Object::Reference(*new));
            }
            let new = dst.new_object_id();
            copied.insert(*id, new);
            let target = import(src, src.get_object(*id)?, dst, copied)?;
            dst.set_object(new, target);
            Object::Reference(new)
        }
        Object::Array(items) => {
            Object::Array(items.iter().map(|item| import(src, item, dst, copied)).collect::<Result<_>>()?)
        }
        Object::Dictionary(dict) => Object::Dictionary(import_dictionary(src, dict, dst, copied)?),
        Object::Stream(stream) => {
            let dict = import_dictionary(src, &stream.dict, dst, copied)?;
            Object::Stream(lopdf::Stream::new(dict, stream.content.clone()).with_compression(false))
        }
        other => other.clone(),
    })
}

fn import_dictionary(
    src: &Document,
    dict: &Dictionary,
    dst: &mut Document,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
) -> Result<Dictionary> {
    let mut out = Dictionary::new();
    for (key, value) in dict.iter() {
        out.set(key.clone(), import(src, value, dst, copied)?);
    }
    Ok(out)
}

/// Adds the field to /AcroForm /Fields (creating the form if there is none) and sets /SigFlags 3. Whatever
/// holds the list (catalog, form dictionary, array object) is copied into the update and changed there.
fn add_to_acroform(inc: &mut IncrementalDocument, root_id: ObjectId, field_id: ObjectId) -> Result<()> {
    inc.opt_clone_object_to_new_document(root_id)?;
    let acroform = inc.new_document.get_dictionary(root_id)?.get(b"AcroForm").ok().cloned();
    match acroform {
        None => {
            let mut form = Dictionary::new();
            form.set("Fields", vec![Object::Reference(field_id)]);
            form.set("SigFlags", Object::Integer(SIG_FLAGS));
            let form_id = inc.new_document.add_object(form);
            inc.new_document.get_dictionary_mut(root_id)?.set("AcroForm", Object::Reference(form_id));
        }
        Some(Object::Reference(form_id)) => {
            inc.opt_clone_object_to_new_document(form_id)?;
            let form = inc.new_document.get_dictionary(form_id)?.clone();
            let form = extend_form(inc, form, field_id)?;
            inc.new_document.set_object(form_id, form);
        }
        Some(Object::Dictionary(form)) => {
            let form = extend_form(inc, form, field_id)?;
            inc.new_document.get_dictionary_mut(root_id)?.set("AcroForm", form);
        }
        Some(_) => return Err(SigningError::Malformed("/AcroForm is not a dictionary".into())),
    }
    Ok(())
}

fn extend_form(inc: &mut IncrementalDocument, mut form: Dictionary, field_id: ObjectId) -> Result<Dictionary> {
    let fields = form.get(b"Fields").ok().cloned();
    let fields = append_reference(inc, fields, field_id)?;
    form.set("Fields", fields);
    let flags = form.get(b"SigFlags").and_then(Object::as_i64).unwrap_or(0);
    form.set("SigFlags", Object::Integer(flags | SIG_FLAGS));
    Ok(form)
}

fn add_to_annots(inc: &mut IncrementalDocument, page_id: ObjectId, field_id: ObjectId) -> Result<()> {
    inc.opt_clone_object_to_new_document(page_id)?;
    let annots = inc.new_document.get_dictionary(page_id)?.get(b"Annots").ok().cloned();
    let annots = append_reference(inc, annots, field_id)?;
    inc.new_document.get_dictionary_mut(page_id)?.set("Annots", annots);
    Ok(())
}

/// The array (inline or indirect) with `id` appended; an indirect array is changed in the update and its
/// reference returned unchanged.
fn append_reference(inc: &mut IncrementalDocument, array: Option<Object>, id: ObjectId) -> Result<Object> {
    match array {
        None => Ok(Object::Array(vec![Object::Reference(id)])),
        Some(Object::Array(mut items)) => {
            items.push(Object::Reference(id));
            Ok(Object::Array(items))
        }
        Some(Object::Reference(array_id)) => {
            inc.opt_clone_object_to_new_document(array_id)?;
            inc.new_document.get_object_mut(array_id)?.as_array_mut()?.push(Object::Reference(id));
            Ok(Object::Reference(array_id))
        }
        Some(_) => Err(SigningError::Malformed("a field or annotation list is not an array".into())),
    }
}

/// Patches /ByteRange and /Contents of the appended update in place. Only bytes after `prev_len` are searched:
/// the earlier revisions hold other /Contents keys (pages, earlier signatures).
fn fill_in(out: &mut [u8], prev_len: usize, req: &SignRequest) -> Result<()> {
    // Both placeholders are in the signature dictionary, /ByteRange first (the dictionary keeps its keys in the
    // order they were set), so /Contents is searched for after it: nothing copied into the update can be taken
    // for it. It is found by its first 64 bytes (a 16 KB needle is slow to search for), then checked whole.
    let placeholder = format!("[0 {p} {p} {p}]", p = BYTE_RANGE_PLACEHOLDER);
    let range_at = prev_len + find(&out[prev_len..], placeholder.as_bytes())?;
    let mut contents = Vec::with_capacity(2 * CONTENTS_RESERVED + 2);
    contents.push(b'(');
    contents.resize(2 * CONTENTS_RESERVED + 1, b'0');
    contents.push(b')');
    let start = range_at + find(&out[range_at..], &contents[..64])?;
    let end = start + contents.len();
    if out.get(start..end) != Some(contents.as_slice()) {
        return Err(SigningError::Malformed("the signature placeholder was not written as expected".into()));
    }
    out[start] = b'<';
    out[end - 1] = b'>';

    let ranges = format!("[0 {start} {end} {}", out.len() - end);
    if ranges.len() >= placeholder.len() {
        return Err(SigningError::Malformed("the PDF is too large to sign".into()));
    }
    let mut patched = ranges.into_bytes();
    patched.resize(placeholder.len() - 1, b' ');
    patched.push(b']');
    out[range_at..range_at + placeholder.len()].copy_from_slice(&patched);

    let parts: [&[u8]; 2] = [&out[..start], &out[end..]];
    let cms = match req.signer {
        Signer::Key(key) => {
            let mut hasher = Sha256::new();
            parts.iter().for_each(|part| hasher.update(part));
            cades::sign(&hasher.finalize().into(), key, req.chain)?
        }
        Signer::Cms(tool) => {
            let content = parts.concat();
            let cms = tool.sign_detached(&content)?;
            cades::check_external(&cms, &parts, tool.certificate())?;
            tool.verify(&cms, &content)?;
            cms
        }
    };
    if cms.len() > CONTENTS_RESERVED {
        return Err(SigningError::SignatureTooLarge { needed: cms.len(), reserved: CONTENTS_RESERVED });
    }
    let hex = hex::encode_upper(&cms);
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Result<usize> {
    memchr::memmem::find(haystack, needle)
        .ok_or_else(|| SigningError::Malformed("the signature placeholder was not written as expected".into()))
}
