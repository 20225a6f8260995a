//! Bracket pieces of a line: what `[`, `]`, `○` and the text between them say.
//!
//! Scrambled dumps split `[ ○ ] 宛名システム等` into `[ ○` at one line's end, a lone `○`,
//! and `] 宛名システム等` on another line; these functions cut a line into such pieces so
//! that the checkbox and choice readers can put them back together.

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// `[ ○ ] label` or `[ ] label`: a whole box.
    Box { mark: bool, label: String },
    /// `[ ○` or `[` with nothing after it on the line.
    Open { mark: bool },
    /// `[ text` with no closing bracket (a choice value, or a heading after a box).
    OpenText { mark: bool, text: String },
    /// `] label` at the start of a line (the box's bracket is elsewhere).
    Close { label: String },
    /// Text before any bracket (`定めている[`, a lone `○`).
    Text(String),
}

fn is_mark(c: char) -> bool {
    c == '○' || c == '●' || c == '◯' || c == '〇' || c == '✓' || c == '✔'
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

/// The text from `i` up to the next bracket, trimmed, and where it ends.
fn take_label(chars: &[char], mut i: usize) -> (String, usize) {
    let s = i;
    while i < chars.len() && chars[i] != '[' && chars[i] != ']' {
        i += 1;
    }
    (chars[s..i].iter().collect::<String>().trim().to_string(), i)
}

/// Cut a folded line (spaces collapsed) into pieces.
#[must_use]
pub fn pieces(text: &str) -> Vec<Piece> {
    // most lines have no bracket: one text piece (what the cut below makes of them)
    if !text.contains(['[', ']']) {
        let t = text.trim();
        return if t.is_empty() { Vec::new() } else { vec![Piece::Text(t.to_string())] };
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let n = chars.len();
    let j = skip_ws(&chars, 0);
    // `○ ] label`: the inside and the end of a box whose `[` stands elsewhere
    if j < n && is_mark(chars[j]) {
        let k = skip_ws(&chars, j + 1);
        if k < n && chars[k] == ']' {
            let (label, e) = take_label(&chars, k + 1);
            out.push(Piece::Box { mark: true, label });
            return finish(out, &chars, e);
        }
    }
    // leading close, or leading text
    let i = if j < n && chars[j] == ']' {
        let (label, e) = take_label(&chars, j + 1);
        out.push(Piece::Close { label });
        e
    } else {
        let (t, e) = take_label(&chars, j);
        if !t.is_empty() {
            out.push(Piece::Text(t));
        }
        e
    };
    finish(out, &chars, i)
}

/// Cut the rest of a line (from `i`) into pieces, after its leading part.
fn finish(mut out: Vec<Piece>, chars: &[char], mut i: usize) -> Vec<Piece> {
    while i < chars.len() {
        match chars[i] {
            '[' => i = open_bracket(&mut out, chars, i),
            ']' => {
                let (label, end) = take_label(chars, i + 1);
                out.push(Piece::Close { label });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The piece opened by the `[` at `at`; where reading goes on.
fn open_bracket(out: &mut Vec<Piece>, chars: &[char], at: usize) -> usize {
    let len = chars.len();
    let mut inner = skip_ws(chars, at + 1);
    let mut mark = false;
    if inner < len && is_mark(chars[inner]) {
        // a mark only when followed by space, ']' or the end
        let after = skip_ws(chars, inner + 1);
        if after >= len || chars[after] == ']' || chars[after] == '[' || after > inner + 1 {
            mark = true;
            inner = after;
        }
    }
    if inner >= len {
        out.push(Piece::Open { mark });
        return len;
    }
    match chars[inner] {
        ']' => {
            let (label, end) = take_label(chars, inner + 1);
            out.push(Piece::Box { mark, label });
            end
        }
        '[' => {
            out.push(Piece::Open { mark });
            inner
        }
        _ => {
            let (text, end) = take_label(chars, inner);
            out.push(Piece::OpenText { mark, text });
            if end < len && chars[end] == ']' {
                // `[ text ]`: a bracketed value; what follows is a label again
                let (rest, after) = take_label(chars, end + 1);
                if !rest.is_empty() {
                    out.push(Piece::Text(rest));
                }
                after
            } else {
                end
            }
        }
    }
}

/// A line that is nothing but marks (`○`, `○ ○`): how many.
#[must_use]
pub fn lone_marks(text: &str) -> usize {
    let mut n = 0;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if !is_mark(c) {
            return 0;
        }
        n += 1;
    }
    n
}

/// The pieces of every line of the body, cut once for the choice and checkbox readers.
pub struct BodyPieces {
    start: usize,
    lines: Vec<Vec<Piece>>,
}

impl BodyPieces {
    #[must_use]
    pub fn new(lines: &[crate::input::Line], body: std::ops::Range<usize>) -> BodyPieces {
        // (an empty body may have its start after its end)
        let body_lines = lines.get(body.clone()).unwrap_or_default();
        BodyPieces { start: body.start, lines: body_lines.iter().map(|l| pieces(&l.text)).collect() }
    }
    /// The pieces of body line `i` (an index into the lines).
    #[must_use]
    pub fn of(&self, i: usize) -> &[Piece] {
        &self.lines[i - self.start]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_boxes() {
        assert_eq!(
            pieces("[ ] 住民基本台帳ネットワークシステム [ ○ ] 既存住民基本台帳システム"),
            vec![
                Piece::Box { mark: false, label: "住民基本台帳ネットワークシステム".into() },
                Piece::Box { mark: true, label: "既存住民基本台帳システム".into() }
            ]
        );
    }

    #[test]
    fn split_boxes() {
        assert_eq!(
            pieces("[ ○ ] 宛名システム等 [ ○"),
            vec![Piece::Box { mark: true, label: "宛名システム等".into() }, Piece::Open { mark: true }]
        );
        assert_eq!(pieces("] 税務システム"), vec![Piece::Close { label: "税務システム".into() }]);
        assert_eq!(
            pieces("] 情報提供ネットワークシステム [ ○"),
            vec![Piece::Close { label: "情報提供ネットワークシステム".into() }, Piece::Open { mark: true }]
        );
        assert_eq!(pieces("["), vec![Piece::Open { mark: false }]);
        // the inside and end of a box whose `[` stands elsewhere
        assert_eq!(
            pieces("○ ] 接続しない（提供）[ ] 接続しない（入手）"),
            vec![
                Piece::Box { mark: true, label: "接続しない（提供）".into() },
                Piece::Box { mark: false, label: "接続しない（入手）".into() }
            ]
        );
        assert_eq!(lone_marks("○"), 1);
        assert_eq!(lone_marks("○ x"), 0);
    }

    #[test]
    fn choice_shapes() {
        assert_eq!(
            pieces("リスクへの対策は十分か [ 特に力を入れている"),
            vec![Piece::Text("リスクへの対策は十分か".into()), Piece::OpenText { mark: false, text: "特に力を入れている".into() }]
        );
        assert_eq!(pieces("定めている["), vec![Piece::Text("定めている".into()), Piece::Open { mark: false }]);
        assert_eq!(
            pieces("[ 十分である ] <選択肢> 1) a"),
            vec![Piece::OpenText { mark: false, text: "十分である".into() }, Piece::Text("<選択肢> 1) a".into())]
        );
    }
}
