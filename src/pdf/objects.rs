//! Walking lopdf's object model: numbers, references, dictionaries, the page tree's inherited
//! attributes (`MediaBox`, `Resources`) and the document's budgets: bounded stream
//! decompression, each stream decompressed once per document (cached by object id), and the
//! content bytes and operations read per document.
//!
//! The budget lives in a thread-local [`Budget`] opened by [`begin`] for the document being
//! read on this thread (a document is read on one thread, start to end), so the font and
//! interpreter code charge it without threading a context through every call.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Largest decompressed stream read, so a decompression bomb cannot exhaust memory.
pub(crate) const MAX_CONTENT: usize = 64 << 20;
/// Largest decompressed `CMap` stream: real `ToUnicode` `CMaps` are well under 1 MB.
pub(crate) const MAX_CMAP_STREAM: usize = 4 << 20;
/// Most bytes decompressed per document, all streams together (real 評価書 need a few MB).
pub(crate) const MAX_DOCUMENT_INFLATED: usize = 256 << 20;
/// Most content bytes lexed per document, a stream drawn again (a form, a shared page
/// content) counted again: bounds the time of a document that draws one stream many times.
pub(crate) const MAX_DOCUMENT_CONTENT: usize = 256 << 20;
/// Most operations run per document, forms included (a 300-page 評価書 runs about 1M).
pub(crate) const MAX_DOCUMENT_OPS: usize = 20_000_000;
/// Most pages read per document (real 評価書 have under 500).
pub(crate) const MAX_PAGES: usize = 10_000;
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

/// What one document has spent of its budgets, and its decompressed streams by id.
#[derive(Default)]
struct Budget {
    cache: HashMap<ObjectId, Rc<[u8]>>,
    inflated: usize,
    content: usize,
    ops: usize,
    /// the first budget exceeded, as a sentence naming it
    over: Option<String>,
}

thread_local! {
    static BUDGET: RefCell<Budget> = RefCell::new(Budget::default());
}

/// Starts the budget of a new document on this thread.
pub(crate) fn begin() {
    BUDGET.with(|b| *b.borrow_mut() = Budget::default());
}

/// Ends the document's budget (frees its cache); the budget it exceeded, if any.
pub(crate) fn end() -> Option<String> {
    BUDGET.with(|b| std::mem::take(&mut *b.borrow_mut()).over)
}

/// The budget exceeded so far, if any.
pub(crate) fn over_budget() -> Option<String> {
    BUDGET.with(|b| b.borrow().over.clone())
}

/// Marks the document over a budget (the first one named is kept).
fn exceed(b: &mut Budget, what: String) {
    b.over.get_or_insert(what);
}

/// Decompresses `s` within `limit` and the document's remaining decompression budget.
fn inflate(b: &mut Budget, s: &Stream, limit: usize) -> Option<Vec<u8>> {
    let remaining = MAX_DOCUMENT_INFLATED.saturating_sub(b.inflated);
    match s.decompressed_content_with_limit(limit.min(remaining)) {
        Ok(data) => {
            b.inflated += data.len();
            Some(data)
        }
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) if remaining <= limit => {
            exceed(b, format!("its streams decompress to more than {} MB in all", MAX_DOCUMENT_INFLATED >> 20));
            None
        }
        Err(_) => None,
    }
}

/// A stream's decompressed data, at most [`MAX_CONTENT`] bytes, charged to the document.
pub(crate) fn stream_data(s: &Stream) -> Option<Vec<u8>> {
    BUDGET.with(|b| inflate(&mut b.borrow_mut(), s, MAX_CONTENT))
}

/// A `CMap` stream's decompressed data, at most [`MAX_CMAP_STREAM`] bytes.
pub(crate) fn cmap_data(s: &Stream) -> Option<Vec<u8>> {
    BUDGET.with(|b| inflate(&mut b.borrow_mut(), s, MAX_CMAP_STREAM))
}

/// The decompressed data of the stream object `id`, decompressed once per document.
pub(crate) fn stream_by_id(doc: &Document, id: ObjectId) -> Option<Rc<[u8]>> {
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        if let Some(d) = b.cache.get(&id) {
            return Some(d.clone());
        }
        let Ok(Object::Stream(s)) = doc.get_object(id) else { return None };
        let data: Rc<[u8]> = inflate(&mut b, s, MAX_CONTENT)?.into();
        b.cache.insert(id, data.clone());
        Some(data)
    })
}

/// A page's content: its content streams (each decompressed once per document), joined;
/// false when one of them could not be read (damaged, or over [`MAX_CONTENT`]).
pub(crate) fn page_content(doc: &Document, page_id: ObjectId) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut whole = true;
    for id in doc.get_page_contents(page_id) {
        match stream_by_id(doc, id) {
            Some(d) if out.len() + d.len() <= MAX_CONTENT => {
                out.extend_from_slice(&d);
                out.push(b'\n');
            }
            _ => whole = false,
        }
    }
    (out, whole)
}

/// Charges a content stream about to be lexed (`bytes`) or operations run (`ops`) to the
/// document; false once a budget is exceeded, and the reading should stop.
pub(crate) fn charge(bytes: usize, ops: usize) -> bool {
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        b.content += bytes;
        b.ops += ops;
        if b.content > MAX_DOCUMENT_CONTENT {
            exceed(&mut b, format!("its content streams, drawn as often as they are used, exceed {} MB", MAX_DOCUMENT_CONTENT >> 20));
        } else if b.ops > MAX_DOCUMENT_OPS {
            exceed(&mut b, format!("it draws more than {MAX_DOCUMENT_OPS} operations"));
        }
        b.over.is_none()
    })
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
