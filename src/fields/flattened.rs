//! Flattened pages (labels first, then their values, on one input line cut into cells).

use super::{Certainty, FieldOut};
use crate::form::template::{FieldType, Template, Templates};
use crate::lines::Line;
use crate::normalize::key;
use std::collections::HashSet;

/// A flattened page prints its labels first and then their values in the same order (one
/// input line cut into cells). Where the values exactly match the labels that take one in
/// number, give each its value, in order; otherwise nothing is given.
pub(super) fn labels_first(
    tpls: &Templates,
    t: &Template,
    lines: &[Line],
    label_lines: &HashSet<usize>,
    value_cells: &std::collections::BTreeMap<usize, usize>,
    fields: &mut [FieldOut],
) {
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
        let is_option = |k: &str| k.starts_with("<選択肢>") || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.contains(')'));
        let first_value = cells.iter().position(|&c| !label_lines.contains(&c) && !is_option(&lines[c].key));
        let Some(fv) = first_value else { continue };
        if cells[fv..].iter().any(|c| label_lines.contains(c)) || fv == 0 {
            continue;
        }
        let takers: Vec<usize> = cells[..fv].iter().filter_map(|c| value_cells.get(c).copied()).collect();
        let values: Vec<usize> = cells[fv..].iter().copied().filter(|&c| !is_option(&lines[c].key)).collect();
        if takers.is_empty() || takers.len() != values.len() {
            continue;
        }
        for (&f, &v) in takers.iter().zip(&values) {
            if f == usize::MAX {
                continue;
            }
            let raw = lines[v].raw.trim().to_string();
            match fields[f].ty {
                FieldType::Text => {
                    fields[f].value = Some(raw);
                    fields[f].certainty = Certainty::Inferred;
                }
                FieldType::Choice => {
                    let inner = raw.trim_start_matches('[').trim_end_matches(']').trim();
                    let spec = t.fields.iter().find(|s| s.labels.contains(&fields[f].label) && s.ty == FieldType::Choice);
                    if let Some(list) = spec.and_then(|s| s.list).map(|l| tpls.list(l))
                        && let Some(o) = list.find_exact(&key(inner))
                    {
                        fields[f].value = Some(list.options[o].label.clone());
                        fields[f].certainty = Certainty::Inferred;
                    }
                }
                _ => {}
            }
        }
    }
}
