//! Form templates as data: `templates/*.txt` (one file per form, readable by someone who
//! knows the paper form) parsed once into typed specs.

use crate::normalize::key;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Choice,
    Checkboxes,
    /// Structure only: a heading whose sub-fields carry the values.
    None,
}

impl FieldType {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text | FieldType::None => "text",
            FieldType::Choice => "choice",
            FieldType::Checkboxes => "checkboxes",
        }
    }
}

/// Which option list of `Templates::lists` a field takes its options from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListId(usize);

impl ListId {
    /// The list's index in `Templates::lists`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0
    }
}

/// What a field holds; choice and checkbox fields carry their option list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Choice(ListId),
    Checkboxes(ListId),
    /// Structure only: a heading whose sub-fields carry the values.
    None,
}

impl FieldKind {
    /// The field type the record prints.
    #[must_use]
    pub fn ty(self) -> FieldType {
        match self {
            FieldKind::Text => FieldType::Text,
            FieldKind::Choice(_) => FieldType::Choice,
            FieldKind::Checkboxes(_) => FieldType::Checkboxes,
            FieldKind::None => FieldType::None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OptSpec {
    pub label: String,
    pub key: String,
    /// keys of the label as later versions of the form print it
    pub alt_keys: Vec<String>,
    /// The box takes free text in （ ）.
    pub has_detail: bool,
}

#[derive(Debug, Clone)]
pub struct OptionList {
    pub id: String,
    pub options: Vec<OptSpec>,
}

impl OptionList {
    /// The option whose key equals `k` (after folding).
    #[must_use]
    pub fn find_exact(&self, k: &str) -> Option<usize> {
        self.options.iter().position(|o| o.key == k || o.alt_keys.iter().any(|a| a == k))
    }
    /// The option a box label names: the label itself, or the label followed by its detail
    /// in brackets (`その他（ eLTAX ）`, `提供を行っている（ 4 ）件`); never a longer word that
    /// merely begins like an option (`その他住民票関係情報` is not `その他`).
    #[must_use]
    pub fn find_prefix(&self, k: &str) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None; // (option, length of the matched key)
        for (i, o) in self.options.iter().enumerate() {
            let Some(ok) = std::iter::once(&o.key).chain(&o.alt_keys).find(|ok| !ok.is_empty() && k.starts_with(ok.as_str())) else {
                continue;
            };
            // the option's word must end there: what follows is its detail or punctuation
            let rest = &k[ok.len()..];
            let continues_word = rest.chars().next().is_some_and(|c| c.is_alphanumeric() && !matches!(c, '・' | '、' | '。'));
            if continues_word {
                continue;
            }
            if best.is_none_or(|(_, len)| len < ok.len()) {
                best = Some((i, ok.len()));
            }
        }
        best.map(|(i, _)| i)
    }
}

#[derive(Debug, Clone)]
pub struct SectionSpec {
    pub roman: String,
    pub title: String,
    pub key: String,
}

#[derive(Debug, Clone)]
pub struct ItemSpec {
    pub section: usize,
    pub n: u32,
    pub titles: Vec<String>,
    pub keys: Vec<String>,
    /// Field index of the item's own value (text items) or switch (checkbox items).
    pub own_field: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub section: usize,
    pub item: usize,
    /// "システム" for repeated groups, "リスク1" / "リスク" for fixed ones.
    pub name: String,
    pub repeated: bool,
    pub title_key: String,
    /// Field index of the heading's own value (委託事項N's subject, 提供先N's recipient).
    pub heading_field: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRole {
    Normal,
    /// The value printed beside an item heading (Ⅰ3 特定個人情報ファイル名).
    ItemValue,
    /// A section switch (`[ ] 委託しない`) printed beside an item heading.
    Switch,
    /// A repeated group's heading value.
    GroupHeading,
}

#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub section: usize,
    pub item: usize,
    pub group: Option<usize>,
    pub parent: Option<usize>,
    /// Path below the group (or item): numbers or labels.
    pub tail: Vec<String>,
    pub number: Option<u32>,
    pub labels: Vec<String>,
    pub keys: Vec<String>,
    pub kind: FieldKind,
    pub role: FieldRole,
    /// The concept the template names (`=office.department`), shared by the fields of other
    /// forms that ask the same question; `None`: the form-local default (`Template::concept`).
    pub concept: Option<String>,
}

impl FieldSpec {
    #[must_use]
    pub fn ty(&self) -> FieldType {
        self.kind.ty()
    }
}

#[derive(Debug, Clone)]
pub struct Template {
    pub form: String,
    pub kind: String,
    /// The form is only partly known (様式2): labels it does not know are kept as text
    /// fields with a diagnostic instead of being dropped.
    pub tolerant: bool,
    pub sections: Vec<SectionSpec>,
    pub items: Vec<ItemSpec>,
    pub groups: Vec<GroupSpec>,
    pub fields: Vec<FieldSpec>,
    /// The label index of the scan, built at its first use (once per template).
    pub labels: OnceLock<crate::form::scan::Labels>,
}

#[derive(Debug)]
pub struct Templates {
    pub lists: Vec<OptionList>,
    pub forms: Vec<Template>,
}

impl Templates {
    #[must_use]
    pub fn list(&self, id: ListId) -> &OptionList {
        &self.lists[id.0]
    }
    /// The list named `id` (`CB-SYS`).
    #[must_use]
    pub fn list_named(&self, id: &str) -> Option<ListId> {
        self.lists.iter().position(|l| l.id == id).map(ListId)
    }
    /// Every list with its id.
    pub fn list_ids(&self) -> impl Iterator<Item = (ListId, &OptionList)> {
        self.lists.iter().enumerate().map(|(i, l)| (ListId(i), l))
    }
    #[must_use]
    pub fn by_form(&self, form: &str) -> Option<&Template> {
        self.forms.iter().find(|t| t.form == form)
    }
}

const OPTIONS: &str = include_str!("../../templates/options.txt");
const FORMS: [&str; 3] = [
    include_str!("../../templates/yoshiki4.txt"),
    include_str!("../../templates/yoshiki3.txt"),
    include_str!("../../templates/yoshiki2.txt"),
];

pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let lists = parse_options(OPTIONS);
        let forms = FORMS.iter().map(|s| parse_form(s, &lists)).collect();
        Templates { lists, forms }
    })
}

fn parse_options(src: &str) -> Vec<OptionList> {
    let mut out = Vec::new();
    for line in src.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, rest) = line.split_once(':').expect("option list line has ID:");
        // `||` joins a label's variants; a single `|` separates options
        let rest = rest.replace("||", "\u{1}");
        let options = rest
            .split('|')
            .map(|o| {
                let mut variants = o.split('\u{1}').map(str::trim);
                let first = variants.next().unwrap_or("");
                let (label, has_detail) = match first.strip_suffix("()") {
                    Some(l) => (l.to_string(), true),
                    None => (first.to_string(), false),
                };
                let alt_keys = variants.map(|v| key(v.trim_end_matches("()"))).collect();
                OptSpec { key: key(&label), label, has_detail, alt_keys }
            })
            .collect();
        out.push(OptionList { id: id.trim().to_string(), options });
    }
    out
}

fn parse_form(src: &str, lists: &[OptionList]) -> Template {
    let mut p = FormParser {
        lists,
        t: Template {
            form: String::new(),
            kind: String::new(),
            tolerant: false,
            sections: vec![],
            items: vec![],
            groups: vec![],
            fields: vec![],
            labels: OnceLock::new(),
        },
        field_stack: Vec::new(),
        cur_group: None,
    };
    for line in src.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let mut tok: Vec<&str> = line.split_whitespace().collect();
        // `=concept`, last on a line that makes a field
        let concept = tok.last().and_then(|t| t.strip_prefix('=')).map(String::from);
        if concept.is_some() {
            tok.pop();
        }
        let fields_before = p.t.fields.len();
        match tok[0] {
            "form" => {
                p.t.form = tok[1].to_string();
                p.t.kind = tok[2].to_string();
                p.t.tolerant = tok.get(3) == Some(&"tolerant");
            }
            "section" => {
                p.t.sections.push(SectionSpec { roman: tok[1].into(), title: tok[2].into(), key: key(tok[2]) });
                p.field_stack.clear();
                p.cur_group = None;
            }
            "item" => p.item(&tok),
            "group" => p.group(&tok, indent),
            "field" => p.field(&tok, indent),
            other => panic!("unknown template keyword {other}"),
        }
        if let Some(c) = concept {
            assert!(p.t.fields.len() > fields_before, "`={c}` on a line that makes no field: {line}");
            p.t.fields.last_mut().expect("a field was made").concept = Some(c);
        }
    }
    p.t
}

/// The state of a form file's parse.
struct FormParser<'l> {
    lists: &'l [OptionList],
    t: Template,
    /// stack of (indent, field index) for nesting fields
    field_stack: Vec<(usize, usize)>,
    /// (indent, group)
    cur_group: Option<(usize, usize)>,
}

impl FormParser<'_> {
    fn list_of(&self, id: &str) -> ListId {
        ListId(self.lists.iter().position(|l| l.id == id).unwrap_or_else(|| panic!("unknown list {id}")))
    }

    /// `item N title|variant [text | switch LIST]`
    fn item(&mut self, tok: &[&str]) {
        let t = &mut self.t;
        let section = t.sections.len() - 1;
        let titles: Vec<String> = tok[2].split('|').map(String::from).collect();
        let item = t.items.len();
        let mut spec = ItemSpec {
            section,
            n: tok[1].parse().expect("item number"),
            keys: titles.iter().map(|s| key(s)).collect(),
            titles: titles.clone(),
            own_field: None,
        };
        let own = match tok.get(3).copied() {
            Some("text") => Some((FieldKind::Text, FieldRole::ItemValue)),
            Some("switch") => Some((FieldKind::Checkboxes(self.list_of(tok[4])), FieldRole::Switch)),
            _ => None,
        };
        let t = &mut self.t;
        if let Some((kind, role)) = own {
            spec.own_field = Some(t.fields.len());
            t.fields.push(FieldSpec {
                section,
                item,
                group: None,
                parent: None,
                tail: vec![],
                number: None,
                keys: spec.keys.clone(),
                labels: titles,
                kind,
                role,
                concept: None,
            });
        }
        t.items.push(spec);
        self.field_stack.clear();
        self.cur_group = None;
    }

    /// `group NAME[*] [title | text]` (`*`: repeated, numbered in the text)
    fn group(&mut self, tok: &[&str], indent: usize) {
        let t = &mut self.t;
        let item = t.items.len() - 1;
        let section = t.items[item].section;
        let (name, repeated) = match tok[1].strip_suffix('*') {
            Some(n) => (n.to_string(), true),
            None => (tok[1].to_string(), false),
        };
        let g = t.groups.len();
        let heading_text = tok.get(2) == Some(&"text");
        let title_key = if repeated { String::new() } else { key(tok.get(2).copied().unwrap_or("")) };
        let mut spec = GroupSpec { section, item, name: name.clone(), repeated, title_key, heading_field: None };
        if heading_text {
            spec.heading_field = Some(t.fields.len());
            t.fields.push(FieldSpec {
                section,
                item,
                group: Some(g),
                parent: None,
                tail: vec![],
                number: None,
                labels: vec![name.clone()],
                keys: vec![key(&name)],
                kind: FieldKind::Text,
                role: FieldRole::GroupHeading,
                concept: None,
            });
        }
        t.groups.push(spec);
        self.cur_group = Some((indent, g));
        self.field_stack.clear();
    }

    /// `field N|- label|variant TYPE [LIST]`, nested under the field above with less indent.
    fn field(&mut self, tok: &[&str], indent: usize) {
        while self.field_stack.last().is_some_and(|&(ind, _)| ind >= indent) {
            self.field_stack.pop();
        }
        if self.cur_group.is_some_and(|(ind, _)| ind >= indent) {
            self.cur_group = None;
        }
        let list = || self.list_of(tok.get(4).unwrap_or_else(|| panic!("{} names no option list", tok[2])));
        let kind = match tok[3] {
            "text" => FieldKind::Text,
            "choice" => FieldKind::Choice(list()),
            "checkboxes" => FieldKind::Checkboxes(list()),
            "none" => FieldKind::None,
            other => panic!("unknown field type {other}"),
        };
        let t = &mut self.t;
        let item = t.items.len() - 1;
        let section = t.items[item].section;
        let labels: Vec<String> = tok[2].split('|').map(String::from).collect();
        let number = tok[1].parse::<u32>().ok();
        let parent = self.field_stack.last().map(|&(_, f)| f);
        let mut tail = parent.map(|p| t.fields[p].tail.clone()).unwrap_or_default();
        tail.push(match number {
            Some(n) => n.to_string(),
            None => labels[0].clone(),
        });
        let f = t.fields.len();
        t.fields.push(FieldSpec {
            section,
            item,
            group: self.cur_group.map(|(_, g)| g),
            parent,
            tail,
            number,
            keys: labels.iter().map(|s| key(s)).collect(),
            labels,
            kind,
            role: FieldRole::Normal,
            concept: None,
        });
        self.field_stack.push((indent, f));
    }
}

impl Template {
    /// The field's id pattern: its record path joined with `/`, a repeated group's number
    /// written `*` (`I/2/システム*/3`); the record's `id` is this with the number filled in.
    #[must_use]
    pub fn id_pattern(&self, f: usize) -> String {
        self.path_pattern(f).join("/")
    }

    /// The field's path with a repeated group's number written `*` (`["I","2","システム*","3"]`).
    #[must_use]
    pub fn path_pattern(&self, f: usize) -> Vec<String> {
        let mut p = self.path(f, None);
        if let Some(g) = self.fields[f].group.filter(|&g| self.groups[g].repeated) {
            p[2] = format!("{}*", self.groups[g].name);
        }
        p
    }

    /// The field's concept: the name the template gives it (`office.department`, shared by
    /// the forms that ask the same question), else `FORM:ID-PATTERN` (`様式4:VI/2/3`), asked in
    /// this form only.
    #[must_use]
    pub fn concept(&self, f: usize) -> String {
        match &self.fields[f].concept {
            Some(c) => c.clone(),
            None => format!("{}:{}", self.form, self.id_pattern(f)),
        }
    }

    /// The record path of a field, with the repeated group's number filled in.
    #[must_use]
    pub fn path(&self, f: usize, group_n: Option<u32>) -> Vec<String> {
        let spec = &self.fields[f];
        let item = &self.items[spec.item];
        let mut p = vec![self.sections[spec.section].roman.clone(), item.n.to_string()];
        if let Some(g) = spec.group {
            let g = &self.groups[g];
            if g.repeated {
                p.push(format!("{}{}", g.name, group_n.unwrap_or(0)));
            } else {
                p.push(g.name.clone());
            }
        }
        p.extend(spec.tail.iter().cloned());
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse() {
        let t = templates();
        assert_eq!(t.forms.len(), 3);
        let f4 = t.by_form("様式4").unwrap();
        assert_eq!(f4.kind, "全項目評価書");
        assert_eq!(f4.sections.len(), 6);
        let kiroku = f4.fields.iter().position(|f| f.labels[0] == "主な記録項目").unwrap();
        assert_eq!(f4.path(kiroku, None), vec!["II", "2", "4", "主な記録項目"]);
        let sys = f4.fields.iter().position(|f| f.labels[0] == "他のシステムとの接続").unwrap();
        assert_eq!(f4.path(sys, Some(2)), vec!["I", "2", "システム2", "3"]);
        let jiko = f4.fields.iter().position(|f| f.labels[0].starts_with("過去3年以内")).unwrap();
        assert_eq!(f4.path(jiko, None), vec!["III", "7", "リスク1", "9"]);
    }

    /// The codebook's promises: per form, ids and concepts are unique, concepts are at most
    /// 40 characters (the short stable handle; a long-labelled field's `id` is kept as the
    /// record has always printed it).
    #[test]
    fn ids_and_concepts_unique_and_short() {
        let long: Vec<String> =
            templates().forms.iter().flat_map(|t| (0..t.fields.len()).map(|f| t.concept(f))).filter(|c| c.chars().count() > 40).collect();
        assert!(long.is_empty(), "concepts over 40 characters: {long:#?}");
        for t in &templates().forms {
            let mut ids = std::collections::HashSet::new();
            let mut concepts = std::collections::HashSet::new();
            for f in 0..t.fields.len() {
                assert!(ids.insert(t.id_pattern(f)), "{}: id {} twice", t.form, t.id_pattern(f));
                let c = t.concept(f);
                assert!(concepts.insert(c.clone()), "{}: concept {c} twice", t.form);
                assert!(c.chars().count() <= 40, "{}: concept {c} over 40 characters", t.form);
                if let Some(c) = &t.fields[f].concept {
                    let ok = c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
                    assert!(ok, "{}: named concept {c} is not [a-z0-9_.]", t.form);
                }
            }
        }
    }

    /// A field's question as the paper form names it: section, item title, group and the
    /// labels from the item down.
    fn question(t: &Template, f: usize) -> String {
        let s = &t.fields[f];
        let mut parts = vec![t.sections[s.section].roman.clone(), t.items[s.item].keys[0].clone()];
        parts.extend(s.group.map(|g| t.groups[g].name.clone()));
        let mut chain = vec![];
        let mut at = Some(f);
        while let Some(i) = at {
            if t.fields[i].role == FieldRole::Normal {
                chain.push(t.fields[i].keys[0].clone());
            }
            at = t.fields[i].parent;
        }
        chain.reverse();
        parts.extend(chain);
        parts.join(">")
    }

    /// 様式3 and 様式4 join on one concept wherever they ask the same question in sections
    /// Ⅰ and Ⅱ (same section, item title, group and labels), whatever the item numbers.
    #[test]
    fn concepts_join_forms_on_shared_questions() {
        let (f3, f4) = (templates().by_form("様式3").unwrap(), templates().by_form("様式4").unwrap());
        let q4: std::collections::HashMap<String, usize> = (0..f4.fields.len()).map(|f| (question(f4, f), f)).collect();
        let mut shared = 0;
        for f in 0..f3.fields.len() {
            if !matches!(f3.sections[f3.fields[f].section].roman.as_str(), "I" | "II") {
                continue;
            }
            let g = *q4.get(&question(f3, f)).unwrap_or_else(|| panic!("様式3 {} not in 様式4", f3.id_pattern(f)));
            assert!(f3.fields[f].concept.is_some(), "様式3 {} has no shared concept", f3.id_pattern(f));
            assert_eq!(f3.concept(f), f4.concept(g), "様式3 {} vs 様式4 {}", f3.id_pattern(f), f4.id_pattern(g));
            shared += 1;
        }
        assert!(shared > 50, "only {shared} shared fields");
        // the example: 部署 is I/6/1 in 様式3 and I/7/1 in 様式4
        let dept =
            |t: &Template| (0..t.fields.len()).find(|&f| t.id_pattern(f).ends_with("/1") && t.fields[f].labels[0] == "部署").unwrap();
        assert_eq!(f3.id_pattern(dept(f3)), "I/6/1");
        assert_eq!(f4.id_pattern(dept(f4)), "I/7/1");
        assert_eq!(f3.concept(dept(f3)), f4.concept(dept(f4)));
        // 様式2 asks 請求先 in Ⅰ7, 様式3 in Ⅳ1, 様式4 in Ⅴ1: one concept
        let f2 = templates().by_form("様式2").unwrap();
        let seikyu = |t: &Template| t.concept((0..t.fields.len()).find(|&f| t.fields[f].labels[0] == "請求先").unwrap());
        assert_eq!(seikyu(f2), "disclosure.address");
        assert_eq!((seikyu(f3), seikyu(f4)), (seikyu(f2), seikyu(f2)));
    }

    #[test]
    fn option_prefix_prefers_longest() {
        let t = templates();
        let l = t.lists.iter().find(|l| l.id == "CB-KIROKU").unwrap();
        assert_eq!(l.options[l.find_prefix("個人番号対応符号").unwrap()].label, "個人番号対応符号");
        assert_eq!(l.options[l.find_prefix("個人番号").unwrap()].label, "個人番号");
        // a word that only begins like an option is not that option
        assert_eq!(l.find_prefix(&key("その他住民票関係情報")).map(|o| l.options[o].label.as_str()), Some("その他住民票関係情報"));
        assert_eq!(l.find_prefix(&key("その他住民票")), None);
        // the label a later version prints names the same box
        let five = l.find_prefix(&key("5情報（氏名、氏名の振り仮名、性別、生年月日、住所）")).unwrap();
        assert_eq!(l.options[five].label, "4情報(氏名、性別、生年月日、住所)");
    }
}
