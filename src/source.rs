//! Input bytes → pages of lines: where the PDF path (glyphs → layout) and the text path
//! (decode → lines) meet. Everything after this stage is shared.

use crate::diag::{Code, Diag, Warned};
use crate::input::{Flavour, Format, Pages, decode, to_lines};
use crate::pdf::{self, PdfError};

/// What the record says of its input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceInfo {
    pub file: String,
    /// of the input bytes; None when they could not be read
    pub sha256: Option<String>,
    /// `text`, `markdown` or `pdf`
    pub format: String,
    pub encoding: Option<String>,
    pub pages: Option<u32>,
    /// `plain`, `markdown`, `pdf`, or the detected flavours (`spaced+doubled`)
    pub flavour: Option<String>,
}

impl SourceInfo {
    /// An input that was not read past its first bytes.
    #[must_use]
    pub fn unread(file: &str, sha256: Option<&str>, format: &str) -> SourceInfo {
        SourceInfo { file: file.into(), sha256: sha256.map(Into::into), format: format.into(), ..SourceInfo::default() }
    }
}

/// A readable input: its pages of lines and what reading them noticed.
pub struct Input {
    pub source: SourceInfo,
    pub pages: Pages,
    pub diags: Vec<Diag>,
}

/// An input whose structure could not be read at all (a PDF without its password, or
/// broken beyond its pages): the error record's source, code and message.
pub struct Failure {
    /// the input's format as far as it was recognised (`pdf`)
    pub format: &'static str,
    pub code: Code,
    pub message: String,
}

/// Largest text input read: real dumps are under 1 MB, and reading costs about 10× the
/// input in memory, so this bounds one document to a few hundred MB.
pub const MAX_TEXT_BYTES: usize = 16 << 20;
/// Largest PDF input read (the PDF reader's own budgets bound what it decompresses).
pub const MAX_PDF_BYTES: usize = 256 << 20;

/// The input-size budget of `bytes` (by its format), as a [`Failure`] when it is over.
fn over_size(bytes: &[u8]) -> Option<Failure> {
    let (format, max) = if is_pdf(bytes) { ("pdf", MAX_PDF_BYTES) } else { ("text", MAX_TEXT_BYTES) };
    (bytes.len() > max).then(|| Failure {
        format,
        code: Code::TooLarge,
        message: format!("the input has {} bytes, more than the {format} budget of {} MB; it is not read", bytes.len(), max >> 20),
    })
}

/// Room at the start of a file where a `%PDF-` header may stand after junk bytes.
const PDF_HEADER_WINDOW: usize = 1024;

fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(PDF_HEADER_WINDOW)].windows(5).any(|w| w == b"%PDF-")
}

/// Read an input into pages of lines: a PDF through its glyph layer, anything else as text.
///
/// # Errors
/// An input over its size budget, and a PDF that is encrypted, structurally unreadable or
/// over a reading budget give a [`Failure`].
pub fn read(bytes: &[u8], name: &str, sha: &str) -> Result<Input, Failure> {
    if let Some(f) = over_size(bytes) {
        return Err(f);
    }
    let (pages, encoding, diags) = if is_pdf(bytes) {
        let w = read_pdf(bytes).map_err(|e| pdf_failure(&e))?;
        (w.value, None, w.diags)
    } else {
        let mut diags = Vec::new();
        let text = decode(bytes).take(&mut diags);
        let pages = to_lines(&text.text).take(&mut diags);
        (pages, Some(text.encoding.to_string()), diags)
    };
    let source = SourceInfo {
        file: name.into(),
        sha256: Some(sha.into()),
        format: pages.format.as_str().into(),
        encoding,
        pages: pages.pages,
        flavour: Some(flavour_name(&pages)),
    };
    Ok(Input { source, pages, diags })
}

fn flavour_name(pages: &Pages) -> String {
    let names = pages.flavour.names();
    if !names.is_empty() {
        names.join("+")
    } else if pages.format == Format::Text {
        "plain".into()
    } else {
        pages.format.as_str().into()
    }
}

fn pdf_failure(e: &PdfError) -> Failure {
    let source = "pdf";
    match e {
        PdfError::Encrypted => Failure {
            format: source,
            code: Code::Encrypted,
            message: "the PDF is encrypted and cannot be opened without its password".into(),
        },
        PdfError::TooLarge(e) => {
            Failure { format: source, code: Code::TooLarge, message: format!("the PDF is over a reading budget and is not read: {e}") }
        }
        PdfError::Unreadable(e) => {
            Failure { format: source, code: Code::PdfUnreadable, message: format!("the PDF's structure cannot be read: {e}") }
        }
    }
}

/// The PDF path: glyphs per page, a warning for each page whose glyphs mostly lack a Unicode
/// mapping, then the layout's rows as pages of lines.
fn read_pdf(bytes: &[u8]) -> Result<Warned<Pages>, PdfError> {
    let mut diags = Vec::new();
    let pdf_pages = pdf::read(bytes)?.take(&mut diags);
    for p in &pdf_pages {
        let all = p.unmapped + p.glyphs.len();
        if p.unmapped > 0 && p.unmapped * 2 >= all {
            diags.push(Diag::new(
                Code::PageWithoutTextLayer,
                format!(
                    "page {}: {} of {all} glyphs have no Unicode mapping (no ToUnicode); the page's text is not read",
                    p.number, p.unmapped
                ),
            ));
        }
    }
    let lines = pdf::pages_to_lines(&pdf_pages);
    let pages = Pages { format: Format::Pdf, lines, pages: u32::try_from(pdf_pages.len()).ok(), flavour: Flavour::default() };
    Ok(Warned::new(pages, diags))
}
