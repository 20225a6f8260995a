//! Tidy tables of records in Parquet (`--format parquet -o DIR/`, and the Python package's
//! `to_tables`): `documents`, `fields`, `options`, `diagnostics`, `record_items`, `changes`,
//! keyed by `sha256` (and `field_id`). Repeated strings (kinds, types, certainties, codes,
//! concepts, choice values, option labels) are dictionary-encoded, so pandas reads them as
//! categoricals; every file carries the record's `schema_version` in its key–value metadata.
//! Rows go to the writers in batches of `DOCS_PER_BATCH` documents and the writers close a
//! row group every 1M rows (the parquet crate's default), so memory stays bounded whatever the
//! corpus size.

use crate::output::record::{OptionOut, Record, SCHEMA_VERSION};
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Documents buffered before their rows go to the writers as one batch (bounds memory; a
/// batch of the seeds' size is a few MB).
const DOCS_PER_BATCH: usize = 256;

/// The key in each file's metadata that holds the record's schema version.
pub const SCHEMA_VERSION_KEY: &str = "schema_version";

/// A column's type: `Str` plain text, `Dict` a dictionary-encoded string, `Int`, `Bool`,
/// `List` a list of strings, `Floats` a list of numbers (a PDF bbox).
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Dict,
    Int,
    Bool,
    List,
    Floats,
}

/// One value of a row, in the table's column order.
enum V<'a> {
    S(Option<&'a str>),
    I(Option<i64>),
    B(Option<bool>),
    L(&'a [String]),
    F(Option<&'a [f64]>),
}

enum Col {
    Str(StringBuilder),
    Dict(StringDictionaryBuilder<Int32Type>),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
    Floats(ListBuilder<Float64Builder>),
}

impl Col {
    fn new(k: Kind) -> Col {
        match k {
            Kind::Str => Col::Str(StringBuilder::new()),
            Kind::Dict => Col::Dict(StringDictionaryBuilder::new()),
            Kind::Int => Col::Int(Int64Builder::new()),
            Kind::Bool => Col::Bool(BooleanBuilder::new()),
            Kind::List => Col::List(ListBuilder::new(StringBuilder::new())),
            Kind::Floats => Col::Floats(ListBuilder::new(Float64Builder::new())),
        }
    }

    fn push(&mut self, v: &V) {
        match (self, v) {
            (Col::Str(b), V::S(s)) => b.append_option(*s),
            (Col::Dict(b), V::S(s)) => match s {
                Some(s) => {
                    b.append_value(s);
                }
                None => b.append_null(),
            },
            (Col::Int(b), V::I(i)) => b.append_option(*i),
            (Col::Bool(b), V::B(x)) => b.append_option(*x),
            (Col::List(b), V::L(items)) => {
                for s in *items {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            (Col::Floats(b), V::F(x)) => match x {
                Some(x) => {
                    b.values().append_slice(x);
                    b.append(true);
                }
                None => b.append(false),
            },
            _ => panic!("a parquet row value does not match its column's type"),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Col::Str(b) => Arc::new(b.finish()),
            Col::Dict(b) => Arc::new(b.finish()),
            Col::Int(b) => Arc::new(b.finish()),
            Col::Bool(b) => Arc::new(b.finish()),
            Col::List(b) => Arc::new(b.finish()),
            Col::Floats(b) => Arc::new(b.finish()),
        }
    }
}

fn data_type(k: Kind) -> DataType {
    let item = |t| Arc::new(Field::new("item", t, true));
    match k {
        Kind::Str => DataType::Utf8,
        Kind::Dict => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        Kind::Int => DataType::Int64,
        Kind::Bool => DataType::Boolean,
        Kind::List => DataType::List(item(DataType::Utf8)),
        Kind::Floats => DataType::List(item(DataType::Float64)),
    }
}

use Kind::{Bool, Dict, Floats, Int, List, Str};

/// The tables: name and columns (name, type), in file order.
pub const TABLES: [&str; 6] = ["documents", "fields", "options", "diagnostics", "record_items", "changes"];

fn columns(table: &str) -> &'static [(&'static str, Kind)] {
    match table {
        "documents" => &[
            ("sha256", Str),
            ("file", Str),
            ("format", Dict),
            ("encoding", Dict),
            ("flavour", Dict),
            ("pages", Int),
            ("kind", Dict),
            ("form", Dict),
            ("number", Str),
            ("title", Str),
            ("organization", Str),
            ("published", Str),
            ("published_raw", Str),
            ("declaration", Str),
            ("special_notes", Str),
            ("threshold_consistent", Bool),
            ("fields", Int),
            ("exact", Int),
            ("inferred", Int),
            ("unknown", Int),
            ("diagnostics", Int),
            ("errors", Int),
            ("error_code", Dict),
            ("items", Int),
            ("items_found", Int),
        ],
        "fields" => &[
            ("sha256", Str),
            ("field_id", Str),
            ("position", Int),
            ("concept", Dict),
            ("path", List),
            ("label", Dict),
            ("type", Dict),
            ("value", Str),
            ("choice", Dict),
            ("certainty", Dict),
            ("page", Int),
            ("line", Int),
            ("bbox", Floats),
        ],
        "options" => &[
            ("sha256", Str),
            ("field_id", Str),
            ("concept", Dict),
            ("position", Int),
            ("type", Dict),
            ("option", Dict),
            ("checked", Bool),
            ("detail", Str),
            ("certainty", Dict),
        ],
        "diagnostics" => &[
            ("sha256", Str),
            ("position", Int),
            ("level", Dict),
            ("code", Dict),
            ("message", Str),
            ("field_id", Str),
            ("page", Int),
            ("line", Int),
        ],
        "record_items" => &[("sha256", Str), ("list", Int), ("position", Int), ("item", Str)],
        "changes" => &[
            ("sha256", Str),
            ("position", Int),
            ("date", Str),
            ("item", Str),
            ("before", Str),
            ("after", Str),
            ("timing", Str),
            ("reason", Str),
        ],
        other => panic!("no table {other}"),
    }
}

/// The Arrow schema of one of `TABLES`, with `schema_version` in its metadata.
#[must_use]
pub fn schema(table: &str) -> SchemaRef {
    // every column may be null, `sha256` too: an input whose bytes were never read has none
    let fields: Vec<Field> = columns(table).iter().map(|&(n, k)| Field::new(n, data_type(k), true)).collect();
    let meta: std::collections::HashMap<String, String> = [(SCHEMA_VERSION_KEY.to_string(), SCHEMA_VERSION.to_string())].into();
    Arc::new(Schema::new_with_metadata(fields, meta))
}

struct Table {
    cols: Vec<Col>,
    schema: SchemaRef,
    rows: usize,
}

impl Table {
    fn new(name: &str) -> Table {
        Table { cols: columns(name).iter().map(|&(_, k)| Col::new(k)).collect(), schema: schema(name), rows: 0 }
    }

    fn row(&mut self, values: &[V]) {
        assert_eq!(values.len(), self.cols.len(), "a parquet row has one value per column");
        for (c, v) in self.cols.iter_mut().zip(values) {
            c.push(v);
        }
        self.rows += 1;
    }

    fn batch(&mut self) -> Result<RecordBatch, String> {
        let arrays = self.cols.iter_mut().map(Col::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| e.to_string())
    }
}

/// Writers of the six tables, each into its own `W` (a file, or a buffer).
pub struct TableWriter<W: Write + Send> {
    tables: Vec<Table>,
    writers: Vec<ArrowWriter<W>>,
    buffered: usize,
}

impl<W: Write + Send> TableWriter<W> {
    /// One writer per table of `TABLES`; `open(name)` gives where the table goes.
    ///
    /// # Errors
    /// The Parquet writer could not start (it writes the file's magic number).
    pub fn new(mut open: impl FnMut(&str) -> Result<W, String>) -> Result<TableWriter<W>, String> {
        let mut tables = Vec::new();
        let mut writers = Vec::new();
        for name in TABLES {
            let t = Table::new(name);
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_key_value_metadata(Some(vec![KeyValue::new(SCHEMA_VERSION_KEY.into(), SCHEMA_VERSION.to_string())]))
                .build();
            writers.push(ArrowWriter::try_new(open(name)?, t.schema.clone(), Some(props)).map_err(|e| format!("{name}: {e}"))?);
            tables.push(t);
        }
        Ok(TableWriter { tables, writers, buffered: 0 })
    }

    /// Add one record's rows.
    ///
    /// # Errors
    /// Writing a full batch failed (an I/O error of `W`).
    pub fn push(&mut self, r: &Record) -> Result<(), String> {
        let [docs, fields, options, diags, items, changes] = &mut self.tables[..] else { unreachable!("six tables") };
        document_row(docs, r);
        field_rows(fields, options, r);
        diagnostic_rows(diags, r);
        annex_rows(items, changes, r);
        self.buffered += 1;
        if self.buffered >= DOCS_PER_BATCH { self.flush() } else { Ok(()) }
    }

    fn flush(&mut self) -> Result<(), String> {
        for (i, (t, w)) in self.tables.iter_mut().zip(&mut self.writers).enumerate() {
            if t.rows > 0 {
                w.write(&t.batch()?).map_err(|e| format!("{}: {e}", TABLES[i]))?;
            }
        }
        self.buffered = 0;
        Ok(())
    }

    /// Write what is buffered and the files' footers; gives back each table's `W`, in
    /// `TABLES` order.
    ///
    /// # Errors
    /// An I/O error of `W`.
    pub fn finish(mut self) -> Result<Vec<W>, String> {
        self.flush()?;
        self.writers.into_iter().zip(TABLES).map(|(w, name)| w.into_inner().map_err(|e| format!("{name}: {e}"))).collect()
    }
}

fn count(n: usize) -> Option<i64> {
    Some(i64::try_from(n).unwrap_or(i64::MAX))
}

fn document_row(t: &mut Table, r: &Record) {
    let (s, d) = (&r.source, &r.document);
    let cert = |c: &str| count(r.fields.iter().filter(|f| f.certainty == c).count());
    let error = r.diagnostics.iter().find(|x| x.level == "error").map(|x| x.code.as_str());
    let completeness = r.completeness.as_ref();
    t.row(&[
        V::S(s.sha256.as_deref()),
        V::S(Some(&s.file)),
        V::S(Some(&s.format)),
        V::S(s.encoding.as_deref()),
        V::S(s.flavour.as_deref()),
        V::I(s.pages.map(i64::from)),
        V::S(d.kind.as_deref()),
        V::S(d.form.as_deref()),
        V::S(d.number.as_deref()),
        V::S(d.title.as_deref()),
        V::S(d.organization.as_deref()),
        V::S(d.published.as_deref()),
        V::S(d.published_raw.as_deref()),
        V::S(d.declaration.as_deref()),
        V::S(d.special_notes.as_deref()),
        V::B(d.threshold_consistent),
        V::I(count(r.fields.len())),
        V::I(cert("exact")),
        V::I(cert("inferred")),
        V::I(cert("unknown")),
        V::I(count(r.diagnostics.len())),
        V::I(count(r.diagnostics.iter().filter(|x| x.level == "error").count())),
        V::S(error),
        V::I(completeness.and_then(|c| count(c.items))),
        V::I(completeness.and_then(|c| count(c.items_found))),
    ]);
}

fn field_rows(fields: &mut Table, options: &mut Table, r: &Record) {
    let sha = r.source.sha256.as_deref();
    for (i, f) in r.fields.iter().enumerate() {
        let choice = if f.ty == "choice" { f.value.as_deref() } else { None };
        fields.row(&[
            V::S(sha),
            V::S(Some(&f.id)),
            V::I(count(i)),
            V::S(f.concept.as_deref()),
            V::L(&f.path),
            V::S(Some(&f.label)),
            V::S(Some(&f.ty)),
            V::S(f.value.as_deref()),
            V::S(choice),
            V::S(Some(&f.certainty)),
            V::I(f.at.page.map(i64::from)),
            V::I(f.at.line.and_then(count)),
            V::F(f.at.bbox.as_ref().map(|b| &b[..])),
        ]);
        for (k, o) in f.options.iter().enumerate() {
            // a choice option is checked when it is the value; unknown when no value was read
            let (label, checked, detail, certainty) = match o {
                OptionOut::Box(b) => (b.label.as_str(), b.checked, b.detail.as_deref(), b.certainty.as_str()),
                OptionOut::Choice(c) => (c.as_str(), f.value.as_ref().map(|v| v == c), None, f.certainty.as_str()),
            };
            options.row(&[
                V::S(sha),
                V::S(Some(&f.id)),
                V::S(f.concept.as_deref()),
                V::I(count(k)),
                V::S(Some(&f.ty)),
                V::S(Some(label)),
                V::B(checked),
                V::S(detail),
                V::S(Some(certainty)),
            ]);
        }
    }
}

fn diagnostic_rows(t: &mut Table, r: &Record) {
    for (i, d) in r.diagnostics.iter().enumerate() {
        t.row(&[
            V::S(r.source.sha256.as_deref()),
            V::I(count(i)),
            V::S(Some(&d.level)),
            V::S(Some(&d.code)),
            V::S(Some(&d.message)),
            V::S(d.field.as_deref()),
            V::I(d.at.as_ref().and_then(|a| a.page).map(i64::from)),
            V::I(d.at.as_ref().and_then(|a| a.line).and_then(count)),
        ]);
    }
}

fn annex_rows(items: &mut Table, changes: &mut Table, r: &Record) {
    let sha = r.source.sha256.as_deref();
    for (l, list) in r.tables.record_items.iter().enumerate() {
        for (k, item) in list.iter().enumerate() {
            items.row(&[V::S(sha), V::I(count(l)), V::I(count(k)), V::S(Some(item))]);
        }
    }
    for (i, c) in r.tables.changes.iter().enumerate() {
        changes.row(&[
            V::S(sha),
            V::I(count(i)),
            V::S(c.date.as_deref()),
            V::S(c.item.as_deref()),
            V::S(c.before.as_deref()),
            V::S(c.after.as_deref()),
            V::S(c.timing.as_deref()),
            V::S(c.reason.as_deref()),
        ]);
    }
}

/// The six tables of `records` as Parquet files in memory, in `TABLES` order (the Python
/// package's `to_tables`).
///
/// # Errors
/// Only if the Parquet writer fails on memory.
pub fn to_buffers<'r>(records: impl IntoIterator<Item = &'r Record>) -> Result<Vec<Vec<u8>>, String> {
    let mut w = TableWriter::new(|_| Ok(Vec::new()))?;
    for r in records {
        w.push(r)?;
    }
    w.finish()
}
