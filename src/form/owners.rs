//! Owners of the labels found: the group instance (システム2, リスク3) or parent field,
//! nearest in the text that does not have that field yet.

use super::loc;
use super::scan::{Heading, Hit};
use super::template::{FieldRole, FieldType, Template};
use crate::diag::{Code, Diag};
use crate::lines::Line;
use std::collections::HashSet;

/// Give each hit its group instance and parent: the nearest heading (preferring the
/// preceding one) that does not hold that field yet.
pub fn resolve_owners(t: &Template, hits: &mut [Hit], headings: &[Heading], diags: &mut Vec<Diag>, lines: &[Line]) {
    let mut taken: HashSet<(usize, Option<u32>, String)> = HashSet::new(); // (group, n, label key)
    // group heading hits are owned already
    for h in hits.iter() {
        if t.fields[h.field].role == FieldRole::GroupHeading {
            taken.insert((t.fields[h.field].group.unwrap(), h.group_n, t.fields[h.field].keys[0].clone()));
        }
    }
    for h in hits.iter_mut() {
        let fs = &t.fields[h.field];
        if fs.role == FieldRole::GroupHeading {
            continue;
        }
        let Some(g) = fs.group else { continue };
        // candidate groups: every group of the item holding a field with this label
        let label = fs.keys[0].clone();
        let same_label: Vec<usize> = t
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.item == fs.item
                    && f.group.is_some()
                    && f.keys[0] == label
                    && f.parent.map(|p| &t.fields[p].keys[0]) == fs.parent.map(|p| &t.fields[p].keys[0])
            })
            .map(|(i, _)| i)
            .collect();
        let cand_groups: Vec<(usize, usize)> = same_label.iter().map(|&f| (t.fields[f].group.unwrap(), f)).collect();
        let mut best: Option<(i64, usize, Option<u32>, usize)> = None; // (cost, group, n, field)
        for hd in headings {
            let Some(&(_, f)) = cand_groups.iter().find(|(g2, _)| *g2 == hd.group) else { continue };
            if taken.contains(&(hd.group, hd.n, label.clone())) {
                continue;
            }
            let d = lines[h.line].pos as i64 - lines[hd.line].pos as i64;
            // the heading above wins when it is near; a heading below only when none above
            let cost = if (0..=150).contains(&d) {
                d
            } else if d < 0 {
                1000 - d
            } else {
                2000 + d
            };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, hd.group, hd.n, f));
            }
        }
        match best {
            Some((cost, grp, n, f)) => {
                h.field = f;
                h.group_n = n;
                if cost > 0 && (t.groups[grp].repeated || cand_groups.len() > 1) {
                    // placed by proximity, not by a heading directly above
                    h.inferred = h.inferred || cost > 150;
                }
                taken.insert((grp, n, label));
            }
            None => {
                // no heading found: the group itself when it is the only one
                if cand_groups.len() == 1 && !t.groups[g].repeated {
                    taken.insert((g, None, label));
                } else if t.groups[g].repeated {
                    h.group_n = None;
                    h.inferred = true;
                    diags.push(
                        Diag::new(Code::GroupUnplaced, format!("{} found outside any {}N", fs.labels[0], t.groups[g].name))
                            .at(loc(&lines[h.line])),
                    );
                    h.field = usize::MAX;
                } else {
                    // several fixed groups, none seen: first without this field
                    let free = cand_groups.iter().find(|(g2, _)| !taken.contains(&(*g2, None, label.clone())));
                    match free {
                        Some(&(g2, f)) => {
                            h.field = f;
                            h.inferred = true;
                            taken.insert((g2, None, label));
                        }
                        None => h.field = usize::MAX,
                    }
                }
            }
        }
    }
    // parents: a nested field goes under the nearest parent reading lacking it
    let parent_hits: Vec<(usize, usize, Option<u32>)> =
        hits.iter().filter(|h| h.field != usize::MAX).map(|h| (h.field, h.line, h.group_n)).collect();
    let mut taken_child: HashSet<(usize, Option<u32>, String)> = HashSet::new();
    for h in hits.iter_mut() {
        if h.field == usize::MAX {
            continue;
        }
        let fs = &t.fields[h.field];
        let Some(p) = fs.parent else { continue };
        if t.fields[p].ty == FieldType::None {
            continue;
        }
        let label = fs.keys[0].clone();
        // siblings with the same label under other parents of the same group
        let alts: Vec<usize> = t
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.group == fs.group && f.item == fs.item && f.keys[0] == label && f.parent.is_some())
            .map(|(i, _)| i)
            .collect();
        if alts.len() <= 1 {
            continue;
        }
        let mut best: Option<(i64, usize)> = None;
        for &(pf, pl, pn) in &parent_hits {
            if pn != h.group_n {
                continue;
            }
            let Some(&alt) = alts.iter().find(|&&a| t.fields[a].parent == Some(pf)) else { continue };
            if taken_child.contains(&(alt, pn, label.clone())) {
                continue;
            }
            let d = lines[h.line].pos as i64 - lines[pl].pos as i64;
            let cost = if (0..=150).contains(&d) {
                d
            } else if d < 0 {
                1000 - d
            } else {
                2000 + d
            };
            if best.is_none_or(|b| cost < b.0) {
                best = Some((cost, alt));
            }
        }
        if let Some((_, alt)) = best {
            h.field = alt;
            taken_child.insert((alt, h.group_n, label));
        }
    }
}
