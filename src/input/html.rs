//! Markdown/HTML conversions: one line → its cells as plain text (tags removed,
//! `<input checked>` → `[ ○ ]`, entities decoded).

/// One markdown/HTML line → its cells as plain text.
pub fn html_cells(raw: &str) -> Vec<String> {
    let mut s = raw.trim_end().to_string();
    // markdown headings and list dashes
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix("#") {
        s = rest.trim_start_matches('#').trim_start().to_string();
    }
    s.split('\t').map(html_to_text).collect()
}

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
        let tag = &after[1..gt];
        let name: String = tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "input" => {
                if tag.contains("checked") {
                    out.push_str("[ ○ ]");
                } else {
                    out.push_str("[ ]");
                }
            }
            "p" | "li" | "br" | "tr" | "div" | "ul" | "ol" => out.push('\u{2029}'),
            "td" | "th" | "span" => out.push(' '),
            "b" | "i" | "u" | "strong" | "em" | "table" | "tbody" | "thead" | "font" => {}
            // not a tag we know (e.g. "<選択肢>" or "<中間サーバー…>"): keep it as text
            _ => out.push_str(&after[..=gt]),
        }
        rest = &after[gt + 1..];
    }
    out.push_str(rest);
    let out = decode_entities(&out);
    // "[ [ ○ ] ]" (a box drawn around an input) is one box; Latin O as a mark
    let out = out.replace("[ [ ○ ] ]", "[ ○ ]").replace("[ [ ] ]", "[ ]").replace("[ O ]", "[ ○ ]");
    // paragraph separators: collapse runs, trim
    let mut cleaned = String::new();
    for part in out.split('\u{2029}') {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        if !cleaned.is_empty() {
            cleaned.push('\u{2029}');
        }
        cleaned.push_str(p);
    }
    cleaned
}

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
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| {
            let ent = &after[1..i];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, i))
        });
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
}
