//! Markdown/HTML conversions: one line → its cells as plain text (tags removed,
//! `<input checked>` → `[ ○ ]`, entities decoded).

/// Paragraph separator inside a cell (`<p>`, `<br>`, `<li>`…); later stages turn it into `\n`.
const PARAGRAPH: &str = "\u{2029}";
/// Longest entity (`&#x1F600;`) in bytes from `&` to `;`.
const ENTITY_MAX_BYTES: usize = 10;

/// One markdown/HTML line → its cells as plain text (cells are tab-separated).
#[must_use]
pub fn html_cells(raw: &str) -> Vec<String> {
    let line = raw.trim_end();
    // a markdown heading loses its marks
    let line = match line.trim_start().strip_prefix('#') {
        Some(rest) => rest.trim_start_matches('#').trim_start(),
        None => line,
    };
    line.split('\t').map(html_to_text).collect()
}

/// One cell: tags replaced by their text, entities decoded, paragraphs trimmed.
fn html_to_text(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut rest = cell;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        out.push_str(tag_text(&after[..=gt]));
        rest = &after[gt + 1..];
    }
    out.push_str(rest);
    let out = decode_entities(&out);
    // "[ [ ○ ] ]" (a box drawn around an input) is one box; Latin O as a mark
    let out = out.replace("[ [ ○ ] ]", "[ ○ ]").replace("[ [ ] ]", "[ ]").replace("[ O ]", "[ ○ ]");
    trim_paragraphs(&out)
}

/// What a tag `<…>` stands for in the text: a box for `<input>`, a paragraph or a space for
/// block and cell tags, nothing for inline ones; a tag we do not know (`<選択肢>`,
/// `<中間サーバー…>`) is text and stays.
fn tag_text(tag: &str) -> &str {
    let inner = &tag[1..tag.len() - 1];
    let name = inner.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    match name.as_str() {
        "input" if inner.contains("checked") => "[ ○ ]",
        "input" => "[ ]",
        "p" | "li" | "br" | "tr" | "div" | "ul" | "ol" => PARAGRAPH,
        "td" | "th" | "span" => " ",
        "b" | "i" | "u" | "strong" | "em" | "table" | "tbody" | "thead" | "font" => "",
        _ => tag,
    }
}

/// Collapse runs of paragraph separators and trim each paragraph.
fn trim_paragraphs(s: &str) -> String {
    let mut cleaned = String::new();
    for p in s.split(PARAGRAPH).map(str::trim).filter(|p| !p.is_empty()) {
        if !cleaned.is_empty() {
            cleaned.push_str(PARAGRAPH);
        }
        cleaned.push_str(p);
    }
    cleaned
}

/// Decode the named entities HTML conversions use and numeric ones; others stay as text.
#[must_use]
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after.find(';').filter(|&i| i <= ENTITY_MAX_BYTES);
        let decoded = semi.and_then(|i| entity(&after[1..i]).map(|c| (c, i)));
        if let Some((c, i)) = decoded {
            out.push(c);
            rest = &after[i + 1..];
        } else {
            out.push('&');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The character an entity's name (between `&` and `;`) stands for.
fn entity(ent: &str) -> Option<char> {
    match ent {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
        _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_marks() {
        let c = html_cells(
            "③他のシステムとの接続\t<p>[ <input type=\"checkbox\"/> ] 情報提供 [ <input checked=\"\" type=\"checkbox\"/> ] 庁内</p>",
        );
        assert_eq!(c[0], "③他のシステムとの接続");
        assert_eq!(c[1], "[ ] 情報提供 [ ○ ] 庁内");
        assert_eq!(
            html_cells("①実施の有無\t[ 実施する ] <span>&lt;選択肢&gt; 1) 実施する</span>")[1],
            "[ 実施する ]  <選択肢> 1) 実施する"
        );
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("&lt;選択肢&gt; &amp; &#x3007; &#12295; &copy; & x;"), "<選択肢> & 〇 〇 &copy; & x;");
        assert_eq!(decode_entities("a&b"), "a&b");
    }

    #[test]
    fn paragraphs_and_headings() {
        assert_eq!(html_cells("## Ⅰ 基本情報"), ["Ⅰ 基本情報"]);
        assert_eq!(html_cells("<p> a </p><p></p><br/>b<b>c</b>"), ["a\u{2029}bc"]);
        assert_eq!(html_cells("[ <input checked> ]\t<選択肢>"), ["[ ○ ]", "<選択肢>"]);
    }
}
