//! Flattened pages: the labels first, then their values in the same order (one input line
//! cut into cells); each label that takes a value gets its value where the counts match.

use super::{Certainty, Doc, FieldOut, Taker};
use crate::form::headings::is_option_entry;
use crate::form::template::{FieldKind, FieldType};
use crate::normalize::key;
use std::collections::{BTreeMap, HashSet};

/// A flattened page prints its labels first and then their values in the same order (one
/// input line cut into cells). Where the values exactly match the labels that take one in
/// number, give each its value, in order; otherwise nothing is given.
pub(super) fn labels_first(doc: &Doc, label_lines: &HashSet<usize>, value_cells: &BTreeMap<usize, Taker>, fields: &mut [FieldOut]) {
    let lines = doc.lines;
    let mut i = 0;
    while i < lines.len() {
        let no = lines[i].no;
        let mut j = i;
        while j < lines.len() && lines[j].no == no {
            j += 1;
        }
        let cells: Vec<usize> = (i..j).collect();
        i = j;
        if cells.len() < 3 {
            continue;
        }
        // labels, then values; option lists (＜選択肢＞, `1) …`) are neither
        let first_value = cells.iter().position(|&c| !label_lines.contains(&c) && !is_option_entry(&lines[c].key));
        let Some(fv) = first_value else { continue };
        if cells[fv..].iter().any(|c| label_lines.contains(c)) || fv == 0 {
            continue;
        }
        let takers: Vec<Taker> = cells[..fv].iter().filter_map(|c| value_cells.get(c).copied()).collect();
        let values: Vec<usize> = cells[fv..].iter().copied().filter(|&c| !is_option_entry(&lines[c].key)).collect();
        if takers.is_empty() || takers.len() != values.len() {
            continue;
        }
        for (&taker, &v) in takers.iter().zip(&values) {
            if let Taker::Field(f) = taker {
                give(doc, &mut fields[f], lines[v].raw.trim());
            }
        }
    }
}

/// Give a text field its cell; a choice field its cell when it is one of its options.
fn give(doc: &Doc, field: &mut FieldOut, raw: &str) {
    match field.ty {
        FieldType::Text => {
            field.value = Some(raw.to_string());
            field.certainty = Certainty::Inferred;
        }
        FieldType::Choice => {
            let inner = raw.trim_start_matches('[').trim_end_matches(']').trim();
            let list = doc.form.fields.iter().find_map(|s| match s.kind {
                FieldKind::Choice(l) if s.labels.contains(&field.label) => Some(l),
                _ => None,
            });
            if let Some(list) = list.map(|l| doc.tpls.list(l))
                && let Some(o) = list.find_exact(&key(inner))
            {
                field.value = Some(list.options[o].label.clone());
                field.certainty = Certainty::Inferred;
            }
        }
        _ => {}
    }
}
