//! The file's revisions and what each incremental update changed. A signature protects the bytes of its
//! revision; what matters afterwards is whether later updates only added signatures (new signature
//! dictionaries and fields, the field appended to /AcroForm /Fields and to the page's /Annots) or changed
//! anything a reader sees (page content, resources, other objects), which would make the signed document
//! display differently from what was signed.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Catalog entries a later signature may touch: the form, and what other signers (pyHanko) update on the
/// way (developer extensions, the version, XMP metadata). None of them changes what a page shows.
const CATALOG_KEYS: &[&[u8]] = &[b"AcroForm", b"Extensions", b"Version", b"Metadata"];

/// The revisions of one file and, for each update, whether it only added signatures.
pub(super) struct History {
    /// Per revision: the offset right after its `%%EOF`, and that offset plus the line end that follows.
    ends: Vec<(usize, usize)>,
    /// `update_ok[i]`: revision `i` (from 1) only added signatures to revision `i - 1`.
    update_ok: Vec<bool>,
    /// Bytes after the last `%%EOF` that are not white space: an update that is not even a revision.
    trailing_bytes: bool,
}

impl History {
    pub fn new(pdf: &[u8]) -> Self {
        let ends = revision_ends(pdf);
        let docs: Vec<Option<Document>> = ends.iter().map(|(end, _)| Document::load_mem(&pdf[..*end]).ok()).collect();
        let update_ok = (0..docs.len())
            .map(|i| match (i.checked_sub(1).and_then(|p| docs[p].as_ref()), docs[i].as_ref()) {
                (Some(prev), Some(cur)) => only_signatures(prev, cur),
                _ => i == 0,
            })
            .collect();
        let last = ends.last().map_or(0, |(_, ext)| *ext);
        let trailing_bytes = pdf[last..].iter().any(|b| !b.is_ascii_whitespace() && *b != 0);
        History { ends, update_ok, trailing_bytes }
    }

    /// Whether `offset` is where a revision ends (right after its `%%EOF`, with or without the line end).
    pub fn is_revision_end(&self, offset: usize) -> bool {
        self.ends.iter().any(|(end, ext)| *end <= offset && offset <= *ext)
    }

    /// Whether everything after the revision holding `offset` only added signatures.
    pub fn only_signatures_after(&self, offset: usize) -> bool {
        let Some(k) = self.ends.iter().position(|(_, ext)| offset <= *ext) else {
            return false;
        };
        !self.trailing_bytes && self.update_ok[k + 1..].iter().all(|ok| *ok)
    }
}

/// `%%EOF` markers that end a revision: right after `startxref` and its offset. Some writers put the next
/// update right after `%%EOF`, without a line end, so none is required.
fn revision_ends(pdf: &[u8]) -> Vec<(usize, usize)> {
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(found) = pdf[from..].windows(5).position(|w| w == b"%%EOF") {
        let at = from + found;
        let end = at + 5;
        if follows_startxref(&pdf[..at]) {
            let mut ext = end;
            if pdf.get(ext) == Some(&b'\r') {
                ext += 1;
            }
            if pdf.get(ext) == Some(&b'\n') {
                ext += 1;
            }
            ends.push((end, ext));
        }
        from = end;
    }
    ends
}

/// Whether `before` ends with `startxref`, white space, digits and white space.
fn follows_startxref(before: &[u8]) -> bool {
    let trimmed = before.trim_ascii_end();
    let digits = trimmed.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && trimmed[..trimmed.len() - digits].trim_ascii_end().ends_with(b"startxref")
}

/// Whether `cur` differs from `prev` only by added signatures.
fn only_signatures(prev: &Document, cur: &Document) -> bool {
    let root = |doc: &Document| doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let Some(root_id) = root(cur).filter(|id| root(prev) == Some(*id)) else {
        return false;
    };
    let ctx = Ctx { cur, root_id, form_id: form_id(cur, root_id), appearances: appearances(prev, cur) };
    let unchanged_or_allowed = cur.objects.iter().all(|(id, obj)| match prev.objects.get(id) {
        Some(old) if old == obj => true,
        Some(old) => ctx.allowed_change(*id, old, obj),
        None => ctx.allowed_new(*id, obj),
    });
    unchanged_or_allowed && prev.objects.keys().all(|id| cur.objects.contains_key(id))
}

fn form_id(doc: &Document, root_id: ObjectId) -> Option<ObjectId> {
    doc.get_dictionary(root_id).ok()?.get(b"AcroForm").and_then(Object::as_reference).ok()
}

struct Ctx<'a> {
    cur: &'a Document,
    root_id: ObjectId,
    form_id: Option<ObjectId>,
    /// New objects that only signature fields' appearances reach: the form XObjects and what they use (the
    /// stamp's font, its program and /ToUnicode).
    appearances: BTreeSet<ObjectId>,
}

/// The objects new in `cur` that are reachable from a signature field's normal appearance, through new
/// objects only: what a visible signature brings with it. A page cannot show them, as a page may change only
/// by its /Annots (checked on its own).
fn appearances(prev: &Document, cur: &Document) -> BTreeSet<ObjectId> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<ObjectId> = cur
        .objects
        .values()
        .filter_map(dict_of)
        .filter(|d| is_sig_field_dict(d))
        .filter_map(|d| d.get(b"AP").ok().and_then(dict_of)?.get(b"N").ok()?.as_reference().ok())
        .collect();
    while let Some(id) = todo.pop() {
        if prev.objects.contains_key(&id) || !found.insert(id) {
            continue;
        }
        if let Some(obj) = cur.objects.get(&id) {
            references(obj, &mut todo);
        }
    }
    found
}

fn references(obj: &Object, out: &mut Vec<ObjectId>) {
    match obj {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|i| references(i, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, v)| references(v, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, v)| references(v, out)),
        _ => {}
    }
}

impl Ctx<'_> {
    fn allowed_new(&self, id: ObjectId, obj: &Object) -> bool {
        if self.is_signature_appearance(id, obj) {
            return true;
        }
        let Some(dict) = dict_of(obj) else {
            // A new array may hold only signature fields (an indirect /Fields or /Annots).
            return obj.as_array().is_ok_and(|items| items.iter().all(|i| self.is_sig_field(i)));
        };
        (Some(id) == self.form_id && self.same_except(&Dictionary::new(), dict, &[b"Fields", b"SigFlags"]))
            || (is_sig_field_dict(dict) && self.is_signed_field(dict))
            || [b"Sig".as_slice(), b"XRef", b"ObjStm", b"Metadata"].contains(&name(dict, b"Type").unwrap_or_default())
    }

    /// A new signature field must carry its signature (/V a signature dictionary): an empty field added later
    /// could show anything over the page in its appearance while the signatures before it still verify.
    fn is_signed_field(&self, field: &Dictionary) -> bool {
        let value = field.get(b"V").ok().and_then(|v| match v {
            Object::Reference(id) => self.cur.get_object(*id).ok().and_then(dict_of),
            other => dict_of(other),
        });
        value.is_some_and(|v| name(v, b"Type") == Some(b"Sig") || v.has(b"ByteRange"))
    }

    /// A new object that only a signature field's appearance uses (a visible signature and its font).
    fn is_signature_appearance(&self, id: ObjectId, _obj: &Object) -> bool {
        self.appearances.contains(&id)
    }

    fn allowed_change(&self, id: ObjectId, old: &Object, new: &Object) -> bool {
        match (old, new) {
            (Object::Array(old), Object::Array(new)) => self.grows_by_sig_fields(old, new),
            (Object::Stream(old), Object::Stream(new)) => {
                name(&old.dict, b"Type") == Some(b"Metadata") && name(&new.dict, b"Type") == Some(b"Metadata")
            }
            (Object::Dictionary(old), Object::Dictionary(new)) => {
                if id == self.root_id {
                    self.same_except(old, new, CATALOG_KEYS)
                } else if Some(id) == self.form_id {
                    self.same_except(old, new, &[b"Fields", b"SigFlags"])
                } else if name(old, b"Type") == Some(b"Page") {
                    self.same_except(old, new, &[b"Annots"])
                } else {
                    // Signing an empty signature field fills in its value.
                    is_sig_field_dict(old) && !old.has(b"V") && self.same_except(old, new, &[b"V"])
                }
            }
            _ => false,
        }
    }

    /// Only the listed keys differ, and those only by appended signature fields, an inline /AcroForm that
    /// changed acceptably, a /SigFlags value or an indirect reference whose target is checked on its own.
    fn same_except(&self, old: &Dictionary, new: &Dictionary, keys: &[&[u8]]) -> bool {
        let all_keys: BTreeMap<&[u8], ()> = old.iter().chain(new.iter()).map(|(k, _)| (k.as_slice(), ())).collect();
        all_keys.keys().all(|key| {
            let (a, b) = (old.get(key).ok(), new.get(key).ok());
            if a == b {
                return true;
            }
            if !keys.contains(key) {
                return false;
            }
            match (a, b) {
                (_, Some(Object::Integer(_))) if *key == b"SigFlags" => true,
                (_, Some(Object::Name(_) | Object::Dictionary(_)))
                    if [b"Version".as_slice(), b"Extensions"].contains(key) =>
                {
                    true
                }
                (_, Some(Object::Reference(_))) if *key == b"Metadata" => true,
                (None, Some(Object::Reference(_))) => true,
                (None, Some(Object::Array(new))) => self.grows_by_sig_fields(&[], new),
                (Some(Object::Array(old)), Some(Object::Array(new))) => self.grows_by_sig_fields(old, new),
                (None, Some(Object::Dictionary(form))) if *key == b"AcroForm" => {
                    self.same_except(&Dictionary::new(), form, &[b"Fields", b"SigFlags"])
                }
                (Some(Object::Dictionary(old)), Some(Object::Dictionary(new))) if *key == b"AcroForm" => {
                    self.same_except(old, new, &[b"Fields", b"SigFlags"])
                }
                _ => false,
            }
        })
    }

    /// Every old item is kept and every added one is a signature field.
    fn grows_by_sig_fields(&self, old: &[Object], new: &[Object]) -> bool {
        old.iter().all(|item| new.contains(item))
            && new.iter().filter(|item| !old.contains(item)).all(|item| self.is_sig_field(item))
    }

    fn is_sig_field(&self, item: &Object) -> bool {
        let Ok(id) = item.as_reference() else { return false };
        self.cur.get_object(id).ok().and_then(dict_of).is_some_and(is_sig_field_dict)
    }
}

fn is_sig_field_dict(dict: &Dictionary) -> bool {
    name(dict, b"FT") == Some(b"Sig")
}

fn dict_of(obj: &Object) -> Option<&Dictionary> {
    match obj {
        Object::Dictionary(dict) => Some(dict),
        Object::Stream(stream) => Some(&stream.dict),
        _ => None,
    }
}

fn name<'a>(dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict.get(key).and_then(Object::as_name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_ends_with_or_without_line_end() {
        let pdf = b"%PDF-1.7\n...\nstartxref\n9\n%%EOF1 0 obj\n...\nstartxref\r\n120\r\n%%EOF\r\n";
        let ends = revision_ends(pdf);
        assert_eq!(ends.len(), 2, "both revisions are found, even when the next starts right after %%EOF: {ends:?}");
        assert_eq!(ends[0].0, ends[0].1, "no line end follows the first %%EOF");
        assert_eq!(ends[1].1, pdf.len(), "CR LF after the last %%EOF belongs to its revision");
        assert!(revision_ends(b"a comment: %%EOF\n").is_empty(), "%%EOF without startxref before it ends nothing");
    }
}
