//! The form's own logic as data (`templates/rules.txt`): rules that hold on every honest
//! 評価書 (委託しない ⇒ no 委託事項 carries values, …). A record that breaks one gets
//! `inconsistent` naming the fields; the values involved lose `exact`, and where one side was
//! read exactly and the other only inferred, the inferred side becomes null.

use crate::diag::{Code, Diag, Warned};
use crate::fields::checkbox::BoxOut;
use crate::fields::{Certainty, FieldOut, Options};
use std::borrow::Borrow;

const RULES: &str = include_str!("../templates/rules.txt");

/// A reference to a field: an exact id, or a path prefix and a label; `*` is a group number.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ref {
    prefix: String,
    label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    /// a choice has this value
    Is(Ref, String),
    /// a box is checked
    Checked(Ref, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Then {
    Empty(Ref),
    Unchecked(Ref, String),
    Not(Ref, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    when: Test,
    then: Then,
    /// the forms it holds on (`様式3`); empty: every form
    forms: Vec<String>,
}

fn parse_ref(s: &str) -> Ref {
    match s.split_once(':') {
        Some((p, l)) => Ref { prefix: p.trim().into(), label: Some(l.trim().into()) },
        None => Ref { prefix: s.trim().into(), label: None },
    }
}

/// `ID = VALUE` or `ID [OPTION]`.
fn parse_test(s: &str) -> Option<Test> {
    if let Some((id, v)) = s.split_once(" = ") {
        return Some(Test::Is(parse_ref(id), v.trim().into()));
    }
    let (id, rest) = s.split_once(" [")?;
    Some(Test::Checked(parse_ref(id), rest.trim().strip_suffix(']')?.into()))
}

fn parse_then(s: &str) -> Option<Then> {
    let (verb, rest) = s.trim().split_once(' ')?;
    match (verb, parse_test(rest)) {
        ("empty", _) => Some(Then::Empty(parse_ref(rest))),
        ("unchecked", Some(Test::Checked(r, o))) => Some(Then::Unchecked(r, o)),
        ("not", Some(Test::Is(r, v))) => Some(Then::Not(r, v)),
        _ => None,
    }
}

/// Every rule of `templates/rules.txt`, whatever its forms.
#[cfg(test)]
fn rules() -> Vec<Rule> {
    parse(RULES)
}

/// The rules that hold on `form` (`様式4`); `templates/rules.txt` is parsed once.
#[must_use]
pub fn rules_for(form: &str) -> Vec<&'static Rule> {
    static ALL: std::sync::OnceLock<Vec<Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| parse(RULES)).iter().filter(|r| r.forms.is_empty() || r.forms.iter().any(|f| f == form)).collect()
}

fn parse(text: &str) -> Vec<Rule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let (name, when, then) = (parts.next()?, parts.next()?, parts.next()?);
            let forms = parts.next().map(|f| f.split_whitespace().map(String::from).collect()).unwrap_or_default();
            Some(Rule { name: name.into(), when: parse_test(when)?, then: parse_then(then)?, forms })
        })
        .collect()
}

/// Does `id`/`label` match `r`, with `*` bound to `n` (None: any number, returned)?
fn matches(r: &Ref, f: &FieldOut, n: Option<&str>) -> Option<String> {
    let id = f.id();
    let (head, tail) = r.prefix.split_once('*').unwrap_or((&r.prefix, ""));
    let rest = id.strip_prefix(head)?;
    let num: String = if r.prefix.contains('*') { rest.chars().take_while(char::is_ascii_digit).collect() } else { String::new() };
    if r.prefix.contains('*') && (num.is_empty() || n.is_some_and(|n| n != num)) {
        return None;
    }
    let rest = &rest[num.len()..];
    let ok = match &r.label {
        Some(l) => rest.starts_with(tail) && &f.label == l,
        None => rest == tail,
    };
    ok.then_some(num)
}

fn box_of<'f>(f: &'f FieldOut, option: &str) -> Option<&'f BoxOut> {
    match &f.options {
        Options::Boxes(b) => b.iter().find(|b| b.label == option),
        _ => None,
    }
}

/// A field carries something: a value other than a dash, or a checked box.
fn carries(f: &FieldOut) -> bool {
    let dash = |v: &str| v.trim().chars().all(|c| matches!(c, '-' | '－' | '―' | 'ー' | '‐' | '─'));
    f.value.as_deref().is_some_and(|v| !dash(v)) || matches!(&f.options, Options::Boxes(b) if b.iter().any(|b| b.checked == Some(true)))
}

/// The fields WHEN holds on, with the group number bound.
fn when_holds(t: &Test, fields: &[FieldOut]) -> Vec<(usize, String)> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match t {
            Test::Is(r, v) => matches(r, f, None).filter(|_| f.value.as_deref() == Some(v.as_str())).map(|n| (i, n)),
            Test::Checked(r, o) => matches(r, f, None).filter(|_| box_of(f, o).is_some_and(|b| b.checked == Some(true))).map(|n| (i, n)),
        })
        .collect()
}

/// The fields that break THEN (group number `n`).
fn breakers(then: &Then, fields: &[FieldOut], n: &str) -> Vec<usize> {
    let n = Some(n).filter(|n| !n.is_empty());
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| match then {
            Then::Empty(r) => subtree_match(r, f, n) && carries(f),
            Then::Unchecked(r, o) => matches(r, f, n).is_some() && box_of(f, o).is_some_and(|b| b.checked == Some(true)),
            Then::Not(r, v) => matches(r, f, n).is_some() && f.value.as_deref() == Some(v.as_str()),
        })
        .map(|(i, _)| i)
        .collect()
}

/// `empty` names a subtree: every field whose id starts with the prefix (and has the label).
fn subtree_match(r: &Ref, f: &FieldOut, n: Option<&str>) -> bool {
    let id = f.id();
    let prefix = match n {
        Some(n) => r.prefix.replace('*', n),
        None => r.prefix.clone(),
    };
    id.starts_with(&prefix) && r.label.as_ref().is_none_or(|l| &f.label == l)
}

/// Check every rule; flag and settle what breaks one.
#[must_use]
pub fn check<R: Borrow<Rule>>(mut fields: Vec<FieldOut>, rules: &[R]) -> Warned<Vec<FieldOut>> {
    let mut diags = Vec::new();
    for rule in rules.iter().map(Borrow::borrow) {
        for (w, n) in when_holds(&rule.when, &fields) {
            let bad = breakers(&rule.then, &fields, &n);
            if bad.is_empty() {
                continue;
            }
            let names: Vec<String> = bad.iter().map(|&b| fields[b].id()).collect();
            let message = format!("rule {}: {} contradicts {}", rule.name, fields[w].id(), names.join(", "));
            // our own inferred reading broke the rule, not (as far as can be told) the source
            let code = if settle(&mut fields, w, &bad) { Code::RuleSettled } else { Code::Inconsistent };
            diags.push(Diag::new(code, message).field(&fields[w].id()).at(fields[w].at));
        }
    }
    Warned::new(fields, diags)
}

/// Neither side stays exact; an inferred side facing an exact one becomes null (then true:
/// the contradiction is settled as a misreading of ours).
fn settle(fields: &mut [FieldOut], w: usize, bad: &[usize]) -> bool {
    let exact = |f: &FieldOut| f.certainty == Certainty::Exact;
    let when_exact = exact(&fields[w]);
    let then_exact = bad.iter().all(|&b| exact(&fields[b]));
    let settled = when_exact != then_exact;
    if when_exact && !then_exact {
        for &b in bad {
            unknown(&mut fields[b]);
        }
    } else if then_exact && !when_exact {
        unknown(&mut fields[w]);
    }
    for i in std::iter::once(w).chain(bad.iter().copied()) {
        demote(&mut fields[i]);
    }
    settled
}

fn demote(f: &mut FieldOut) {
    if f.certainty == Certainty::Exact {
        f.certainty = Certainty::Inferred;
    }
    if let Options::Boxes(bs) = &mut f.options {
        for b in bs.iter_mut().filter(|b| b.certainty == Certainty::Exact) {
            b.certainty = Certainty::Inferred;
        }
    }
}

fn unknown(f: &mut FieldOut) {
    f.value = None;
    f.certainty = Certainty::Unknown;
    if let Options::Boxes(bs) = &mut f.options {
        for b in bs.iter_mut() {
            b.checked = None;
            b.certainty = Certainty::Unknown;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;
    use crate::form::template::FieldType;

    fn field(id: &str, label: &str, ty: FieldType) -> FieldOut {
        FieldOut {
            path: id.split('/').map(String::from).collect(),
            label: label.into(),
            ty,
            value: None,
            options: Options::None,
            certainty: Certainty::Exact,
            at: Loc::default(),
            order: (0, 0),
        }
    }

    /// The id a reference names, for group 1 (a label's field sits below its prefix).
    fn id_of(r: &Ref) -> String {
        let p = r.prefix.replace('*', "1");
        if r.label.is_some() { format!("{p}/7") } else { p }
    }

    /// Set box `option` of field `id` (made, or found in `fs`) to `checked`.
    fn set_box(fs: &mut Vec<FieldOut>, r: &Ref, option: &str, checked: bool) {
        let id = id_of(r);
        if !fs.iter().any(|f| f.id() == id) {
            let mut f = field(&id, r.label.as_deref().unwrap_or("switch"), FieldType::Checkboxes);
            f.options = Options::Boxes(vec![]);
            fs.push(f);
        }
        let f = fs.iter_mut().find(|f| f.id() == id).unwrap();
        if let Options::Boxes(bs) = &mut f.options {
            bs.push(BoxOut { label: option.into(), checked: Some(checked), detail: None, certainty: Certainty::Exact, at: None });
        }
    }

    fn set_value(fs: &mut Vec<FieldOut>, r: &Ref, value: &str, ty: FieldType) {
        let id = if ty == FieldType::Text && r.label.is_none() {
            format!("{}{}9", r.prefix.replace('*', "1"), if r.prefix.ends_with('/') { "" } else { "1/" })
        } else {
            id_of(r)
        };
        let mut f = field(&id, r.label.as_deref().unwrap_or("x"), ty);
        f.value = Some(value.into());
        fs.push(f);
    }

    /// A record where the rule's WHEN holds, and THEN holds (`honest`) or not.
    fn record(rule: &Rule, honest: bool) -> Vec<FieldOut> {
        let mut fs = Vec::new();
        match &rule.when {
            Test::Is(r, v) => set_value(&mut fs, r, v, FieldType::Choice),
            Test::Checked(r, o) => set_box(&mut fs, r, o, true),
        }
        match &rule.then {
            Then::Empty(r) => set_value(&mut fs, r, if honest { "－" } else { "株式会社サンプル" }, FieldType::Text),
            Then::Unchecked(r, o) => set_box(&mut fs, r, o, !honest),
            Then::Not(r, v) => set_value(&mut fs, r, if honest { "ほかの値" } else { v }, FieldType::Choice),
        }
        fs
    }

    #[test]
    fn every_rule_flags_a_violation_and_passes_an_honest_record() {
        let rules = rules();
        assert!(rules.len() >= 12, "{} rules", rules.len());
        assert_eq!(
            rules.len(),
            RULES.lines().filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#')).count(),
            "a rule line did not parse"
        );
        for rule in &rules {
            let bad = check(record(rule, false), std::slice::from_ref(rule));
            assert!(bad.diags.iter().any(|d| d.code == Code::Inconsistent && d.message.contains(&rule.name)), "{}: not flagged", rule.name);
            // an inferred side facing the exact one is settled: null, and said so
            // (when WHEN and THEN name two fields; one field's two boxes cannot lean)
            let mut leaning = record(rule, false);
            if leaning.len() > 1 {
                leaning[1].certainty = Certainty::Inferred;
                let settled = check(leaning, std::slice::from_ref(rule));
                assert!(
                    settled.diags.iter().any(|d| d.code == Code::RuleSettled && d.message.contains(&rule.name)),
                    "{}: not settled",
                    rule.name
                );
            }
            assert!(bad.value.iter().all(|f| f.certainty != Certainty::Exact), "{}: still exact", rule.name);
            let ok = check(record(rule, true), &rules);
            assert!(ok.diags.is_empty(), "{}: honest record flagged: {:?}", rule.name, ok.diags);
        }
    }

    #[test]
    fn the_inferred_side_facing_an_exact_one_becomes_null() {
        let rules = rules();
        let rule = rules.iter().find(|r| r.name == "no-entrust-no-items").unwrap();
        let mut fs = record(rule, false);
        fs[1].certainty = Certainty::Inferred;
        let out = check(fs, &rules).value;
        assert_eq!(out[0].value.as_deref(), Some("委託しない"));
        assert_eq!(out[0].certainty, Certainty::Inferred);
        assert_eq!((out[1].value.as_deref(), out[1].certainty), (None, Certainty::Unknown));
        // group numbers bind: 再委託しない in 委託事項1 says nothing of 委託事項2
        let rule = rules.iter().find(|r| r.name == "no-subcontract-no-items").unwrap();
        let mut fs = record(rule, false);
        fs[1].path[2] = "委託事項2".into();
        assert!(check(fs, &rules).diags.is_empty());
    }

    /// A rule kept to one form is not applied to another (様式3 and 様式4 number the risks
    /// of Ⅲ6 differently).
    #[test]
    fn rules_keep_to_their_forms() {
        let names = |form: &str| rules_for(form).into_iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let (three, four) = (names("様式3"), names("様式4"));
        assert!(three.iter().any(|n| n == "no-net-provide-risk-empty-3") && !four.iter().any(|n| n == "no-net-provide-risk-empty-3"));
        assert!(four.iter().any(|n| n == "no-net-provide-risk5-empty") && !three.iter().any(|n| n == "no-net-provide-risk5-empty"));
        // rules without a form hold on every form
        assert!(three.iter().any(|n| n == "no-entrust-no-items") && four.iter().any(|n| n == "no-entrust-no-items"));
    }
}
