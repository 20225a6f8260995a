//! Document policy: what the record may say once the fields are read. The kind from a
//! section heading only one form prints, no garbled strings where glyphs were lost, and the
//! document-level diagnostics (no cover, tag and kind disagreeing, no field found, nothing
//! readable).

use crate::cover::{Cover, KINDS};
use crate::diag::{Code, Diag, Warned};
use crate::fields::{Certainty, FieldOut};
use crate::form::template::FieldType;
use crate::form::{Sections, Template, Templates};
use crate::input::Flavour;

/// Why nothing of a form was read: glyph loss, PDF pages without a text layer, or an input
/// that is not a 評価書 at all.
#[must_use]
pub fn unread(flavour: &Flavour, diags: &[Diag]) -> Diag {
    if flavour.glyphs_lost {
        Diag::new(Code::GlyphsLost, "ideographs are missing from this text (a font without ToUnicode): nothing of the form could be read")
    } else if diags.iter().any(|d| d.code == Code::PageWithoutTextLayer) {
        Diag::new(Code::NoTextLayer, "the PDF has no usable text layer (fonts without ToUnicode); nothing of the form could be read")
    } else {
        Diag::new(Code::NotAPia, "no cover and no section of a 特定個人情報保護評価書 (様式2/3/4) was found in this input")
    }
}

/// The document fields as the record states them, and the document-level diagnostics.
#[must_use]
pub fn document(
    mut cover: Cover,
    tpls: &Templates,
    t: &Template,
    sections: &Sections,
    fields: &[FieldOut],
    flavour: &Flavour,
) -> Warned<Cover> {
    let mut diags = Vec::new();
    if cover.kind.is_none() && cover.form.is_none() {
        diags.push(Diag::new(Code::NoCover, "no cover page was found; document fields are null"));
    }
    if let Some(form) = &cover.form
        && !form.ends_with(&t.form[t.form.len() - 1..])
        && cover.kind.is_some()
    {
        diags.push(Diag::new(Code::FormKindMismatch, format!("the tag says {form} but the title says {}", t.kind)));
    }
    if fields.is_empty() {
        diags.push(Diag::new(
            Code::NoFields,
            "no field of the form was found: the input is truncated, damaged, or not a 特定個人情報保護評価書",
        ));
    }
    // no printed kind: the form's own section headings tell it when at least two are found, or
    // one that this form alone prints (様式4's Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策)
    let distinctive = sections.iter().any(|s| {
        let own = &t.sections[s.section];
        // by numeral and title: 様式2's Ⅳ リスク対策 is not 様式3's Ⅲ リスク対策
        tpls.forms.iter().filter(|f| f.form != t.form).all(|f| f.sections.iter().all(|o| o.key != own.key || o.roman != own.roman))
    });
    if cover.kind.is_none()
        && !flavour.glyphs_lost
        && !fields.is_empty()
        && KINDS.contains(&t.kind.as_str())
        && (sections.len() >= 2 || distinctive)
    {
        cover.kind = Some(t.kind.clone());
    }
    if flavour.glyphs_lost {
        // a garbled string is a wrong value: keep only what matched the form exactly
        cover.title = None;
        cover.organization = None;
        cover.declaration = None;
        cover.special_notes = None;
    }
    Warned::new(cover, diags)
}

/// Glyph loss garbles free text: a wrong value is worse than none, so text fields are null
/// (choices and marks equal to a known option are kept).
pub fn null_garbled_texts(fields: &mut [FieldOut], flavour: &Flavour) {
    if !flavour.glyphs_lost {
        return;
    }
    for f in fields.iter_mut().filter(|f| f.ty == FieldType::Text) {
        f.value = None;
        f.certainty = Certainty::Unknown;
    }
}
