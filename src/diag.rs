//! Diagnostics: stages return their output plus these; only I/O fails.
//!
//! [`Code`] is the one vocabulary of diagnostic codes: each code has one level and one
//! line of documentation. The README and `--help` list exactly these codes (a test checks).

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $level:ident, $doc:literal;)*) => {
        /// Every diagnostic code a record can carry, with its level.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// All codes, errors first, in the order the README lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable string written in records.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            #[must_use]
            pub fn level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// One line saying what the code means.
            #[must_use]
            pub fn doc(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    EmptyInput = "empty_input", Error, "the input holds no text";
    NotAPia = "not_a_pia", Error, "no cover and no section of a 様式2/3/4 評価書 was found";
    NoFields = "no_fields", Error, "a form was recognised but none of its fields was found";
    Unreadable = "unreadable", Error, "the input file cannot be read";
    PdfUnreadable = "pdf_unreadable", Error, "the PDF's structure cannot be read";
    Encrypted = "encrypted", Error, "the PDF needs a password to open";
    NoTextLayer = "no_text_layer", Error, "no page of the PDF has a usable text layer (fonts without ToUnicode, or scans)";
    GlyphsLost = "glyphs_lost", Error, "the text lost its ideographs (a font without ToUnicode): nothing of the form is readable";
    TooLarge = "too_large", Error, "the input is over a budget (input bytes, PDF pages, decompressed bytes, content drawn, operations); it is not read";
    NotAFile = "not_a_file", Error, "the input is a FIFO, socket or device, not a regular file; it is not read";
    Timeout = "timeout", Error, "with --isolate: the document took longer than --timeout";
    Crashed = "crashed", Error, "with --isolate: the child process reading the document died";
    IsolationFailed = "isolation_failed", Error, "with --isolate: no child process could be started or waited for";
    InternalPanic = "internal_panic", Error, "a bug: a stage panicked on this document (please report it)";
    Truncated = "truncated", Warning, "the document ends before its form does: sections after the last one read are missing";
    Fragment = "fragment", Warning, "the document is a fragment of its form: sections before the first one read are missing";
    OptionNotInList = "option_not_in_list", Warning, "a choice's printed value is none of its options; the value is null";
    ChoiceNotFound = "choice_not_found", Warning, "a choice's value could not be found or placed; the value is null";
    AmbiguousChoice = "ambiguous_choice", Warning, "a choice's value could belong to more than one field; it is null";
    AmbiguousCheckbox = "ambiguous_checkbox", Warning, "a box's mark cannot be told apart from its neighbours'; checked is null";
    PageUnmodelled = "page_unmodelled", Warning, "the checkbox pieces of a scrambled page could not be cut into its grids; they were read by the nearest label";
    MarkUnplaced = "mark_unplaced", Warning, "a mark was seen that no box could be given with certainty";
    CheckboxUnplaced = "checkbox_unplaced", Warning, "a checkbox grid was seen that no field of the form could be given";
    MarksUnrecoverable = "marks_unrecoverable", Warning, "the dump has no brackets: every checkbox mark is null";
    GroupUnplaced = "group_unplaced", Warning, "a checkbox group's boxes were not found; its options are null";
    FormKindMismatch = "form_kind_mismatch", Warning, "the form tag and the printed kind disagree";
    ThresholdInconsistent = "threshold_inconsistent", Warning, "the しきい値判断 answers, the stated result and the kind disagree with the 指針's rule";
    FlattenedText = "flattened_text", Warning, "pages were flattened onto single lines; placement is less certain";
    GlyphsMissing = "glyphs_missing", Warning, "ideographs are missing (a font without ToUnicode): free texts are null";
    PageWithoutTextLayer = "page_without_text_layer", Warning, "a PDF page's glyphs have no Unicode mapping; the page is not read";
    PdfPageUnreadable = "pdf_page_unreadable", Warning, "a PDF page's objects cannot be read; the page is skipped";
    PdfContentUnreadable = "pdf_content_unreadable", Warning, "a PDF content stream is damaged; it is read up to the damage";
    PdfUnknownCmap = "pdf_unknown_cmap", Warning, "a PDF font uses a CMap this reader does not know; its glyphs are not read";
    MalformedBytes = "malformed_bytes", Warning, "bytes invalid in the detected encoding were replaced by U+FFFD";
    PdfTooComplex = "pdf_too_complex", Warning, "a PDF page exceeds a processing budget; it is read up to the budget";
    DetailPlaced = "detail_placed", Info, "a （ ） detail printed apart from its checkbox (and cut from a text value) was given to the one box near it that lacks one";
    DuplicateLabel = "duplicate_label", Info, "a field's label was found twice for one place in the form; the first is kept";
    KindInferred = "kind_inferred", Info, "the kind is not printed; it was inferred from the section headings";
    NoCover = "no_cover", Info, "no cover page was found; document fields are null";
    SpacedText = "spaced_text", Info, "every character was followed by a space; the spaces were removed";
    DoubledText = "doubled_text", Info, "lines printed twice (bold by overprint) were read once";
    Inconsistent = "inconsistent", Warning, "the record breaks one of the form's own rules (templates/rules.txt) and neither side was read more surely: the values involved are not exact";
    RuleSettled = "rule_settled", Warning, "an inferred value broke one of the form's own rules (templates/rules.txt) against an exact reading: the inferred side was made null";
    ValueAmbiguous = "value_ambiguous", Warning, "a dump prints a text value where it may belong to a neighbouring label (labels and values out of step, or a cell cut in two): null";
    ValueFragment = "value_fragment", Warning, "a text value was (or ended with) a piece of a neighbour (a heading, brackets, an option word, a box's detail): cut, or null";
    UnknownLabel = "unknown_label", Info, "a numbered label the form's template does not know was kept as a text field";
    ChangesPartial = "changes_partial", Info, "別添 変更箇所 rows were read without their 変更前/変更後 texts";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where something was read: 1-based input line and page (text input).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Loc {
    pub page: Option<u32>,
    pub line: usize,
    /// PDF input: where on the page, `[x0, y0, x1, y1]` in user space.
    pub bbox: Option<[f64; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub code: Code,
    pub message: String,
    pub field: Option<String>,
    pub at: Option<Loc>,
}

impl Diag {
    pub fn new(code: Code, message: impl Into<String>) -> Diag {
        Diag { code, message: message.into(), field: None, at: None }
    }
    #[must_use]
    pub fn level(&self) -> Level {
        self.code.level()
    }
    #[must_use]
    pub fn at(mut self, at: Loc) -> Diag {
        self.at = Some(at);
        self
    }
    #[must_use]
    pub fn field(mut self, id: &str) -> Diag {
        self.field = Some(id.to_string());
        self
    }
}

/// A stage's output together with what it noticed.
#[derive(Debug, Clone)]
pub struct Warned<T> {
    pub value: T,
    pub diags: Vec<Diag>,
}

impl<T> Warned<T> {
    pub fn new(value: T, diags: Vec<Diag>) -> Warned<T> {
        Warned { value, diags }
    }
    /// The value, moving the diagnostics into `sink`.
    pub fn take(self, sink: &mut Vec<Diag>) -> T {
        sink.extend(self.diags);
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{c}");
            assert!(!c.doc().is_empty());
        }
    }
}
