//! Walking lopdf's object model: numbers, references, dictionaries, the page tree's inherited
//! attributes (`MediaBox`, `Resources`) and bounded stream decompression.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Largest decompressed content stream read, so a decompression bomb cannot exhaust memory.
pub(crate) const MAX_CONTENT: usize = 64 << 20;
/// Longest chain of references followed; a cycle ends as `null`.
const MAX_REFERENCE_CHAIN: usize = 16;
/// Deepest page tree searched for an inherited attribute; real trees are a few levels deep.
const MAX_TREE_DEPTH: usize = 32;
/// The page size used when no `MediaBox` can be found: A4 portrait in points.
const DEFAULT_MEDIA_BOX: [f64; 4] = [0.0, 0.0, 595.0, 842.0];

/// `i64` → `f64` for PDF numbers.
#[allow(clippy::cast_precision_loss)] // PDF integers are far below 2^52; precision loss cannot occur in real files
fn int_to_f64(i: i64) -> f64 {
    i as f64
}

/// A PDF number (integer or real) as `f64`.
pub(crate) fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(int_to_f64(*i)),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// Follows references to the object they name (`null` when missing or cyclic).
pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    let mut cur = o;
    for _ in 0..MAX_REFERENCE_CHAIN {
        match cur {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(x) => cur = x,
                Err(_) => return &Object::Null,
            },
            _ => return cur,
        }
    }
    &Object::Null
}

/// The value of `key` in `dict`, dereferenced.
pub(crate) fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

/// A dictionary, or a stream's dictionary.
pub(crate) fn as_dict(o: &Object) -> Option<&Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub(crate) fn name_of(o: &Object) -> Option<&[u8]> {
    match o {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// The numbers of an array, dereferenced (non-numbers skipped).
pub(crate) fn numbers(doc: &Document, items: &[Object]) -> Vec<f64> {
    items.iter().filter_map(|o| num(deref(doc, o))).collect()
}

/// A stream's decompressed data, at most [`MAX_CONTENT`] bytes.
pub(crate) fn stream_data(s: &Stream) -> Option<Vec<u8>> {
    s.decompressed_content_with_limit(MAX_CONTENT).ok()
}

/// The first value `pick` finds on the page or, inherited, on one of its ancestors.
fn inherited<T>(doc: &Document, page_id: ObjectId, pick: impl Fn(&Dictionary) -> Option<T>) -> Option<T> {
    let mut id = Some(page_id);
    for _ in 0..MAX_TREE_DEPTH {
        let dict = doc.get_dictionary(id?).ok()?;
        if let Some(v) = pick(dict) {
            return Some(v);
        }
        id = match dict.get(b"Parent") {
            Ok(Object::Reference(p)) => Some(*p),
            _ => None,
        };
    }
    None
}

/// The page's `MediaBox` (own or inherited), else A4.
pub(crate) fn media_box(doc: &Document, page_id: ObjectId) -> [f64; 4] {
    inherited(doc, page_id, |d| match dict_get(doc, d, b"MediaBox") {
        Some(Object::Array(a)) => <[f64; 4]>::try_from(numbers(doc, a)).ok(),
        _ => None,
    })
    .unwrap_or(DEFAULT_MEDIA_BOX)
}

/// The page's resources (own or inherited), cloned so the interpreter can hold it.
pub(crate) fn page_resources(doc: &Document, page_id: ObjectId) -> Option<Dictionary> {
    inherited(doc, page_id, |d| dict_get(doc, d, b"Resources").and_then(as_dict).cloned())
}
