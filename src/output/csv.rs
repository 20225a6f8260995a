//! The long table for researchers: one CSV row per (document, field, option).

use crate::output::record::{OptionOut, Record};

/// The long table for researchers: one row per (document, field, option).
pub const CSV_HEADER: [&str; 11] =
    ["file", "sha256", "kind", "organization", "field_id", "label", "type", "value", "option", "checked", "certainty"];

#[must_use]
pub fn csv_rows(r: &Record) -> Vec<[String; 11]> {
    let base = |id: &str, label: &str, ty: &str, value: &Option<String>, option: &str, checked: &str, cert: &str| -> [String; 11] {
        [
            r.source.file.clone(),
            r.source.sha256.clone().unwrap_or_default(),
            r.document.kind.clone().unwrap_or_default(),
            r.document.organization.clone().unwrap_or_default(),
            id.to_string(),
            label.to_string(),
            ty.to_string(),
            value.clone().unwrap_or_default(),
            option.to_string(),
            checked.to_string(),
            cert.to_string(),
        ]
    };
    let mut rows = Vec::new();
    for f in &r.fields {
        match f.ty.as_str() {
            "checkboxes" => {
                for o in &f.options {
                    if let OptionOut::Box(b) = o {
                        let c = match b.checked {
                            Some(true) => "true",
                            Some(false) => "false",
                            None => "",
                        };
                        rows.push(base(&f.id, &f.label, &f.ty, &f.value, &b.label, c, &b.certainty));
                    }
                }
            }
            "choice" => {
                for o in &f.options {
                    if let OptionOut::Choice(s) = o {
                        let c = match &f.value {
                            Some(v) if v == s => "true",
                            Some(_) => "false",
                            None => "",
                        };
                        rows.push(base(&f.id, &f.label, &f.ty, &f.value, s, c, &f.certainty));
                    }
                }
            }
            _ => rows.push(base(&f.id, &f.label, &f.ty, &f.value, "", "", &f.certainty)),
        }
    }
    if rows.is_empty() {
        // a document with no fields (an error record) still has its row
        rows.push(base("", "", "", &None, "", "", ""));
    }
    rows
}
