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

/// Cut a folded line (spaces collapsed) into pieces.
pub fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i;
    let n = chars.len();
    let skip_ws = |mut i: usize| {
        while i < n && chars[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let take_label = |mut i: usize| {
        let s = i;
        while i < n && chars[i] != '[' && chars[i] != ']' {
            i += 1;
        }
        (chars[s..i].iter().collect::<String>().trim().to_string(), i)
    };
    // leading text or leading close
    let j = skip_ws(0);
    if j < n && chars[j] == ']' {
        let (label, e) = take_label(j + 1);
        out.push(Piece::Close { label });
        i = e;
    } else {
        let (t, e) = take_label(j);
        if !t.is_empty() {
            out.push(Piece::Text(t));
        }
        i = e;
    }
    while i < n {
        match chars[i] {
            '[' => {
                let mut k = skip_ws(i + 1);
                let mut mark = false;
                if k < n && is_mark(chars[k]) {
                    // a mark only when followed by space, ']' or the end
                    let k2 = skip_ws(k + 1);
                    if k2 >= n || chars[k2] == ']' || chars[k2] == '[' || k2 > k + 1 {
                        mark = true;
                        k = k2;
                    }
                }
                if k >= n {
                    out.push(Piece::Open { mark });
                    i = n;
                } else if chars[k] == ']' {
                    let (label, e) = take_label(k + 1);
                    out.push(Piece::Box { mark, label });
                    i = e;
                } else if chars[k] == '[' {
                    out.push(Piece::Open { mark });
                    i = k;
                } else {
                    let (t, e) = take_label(k);
                    if e < n && chars[e] == ']' {
                        // `[ text ]`: a bracketed value; what follows is a label again
                        out.push(Piece::OpenText { mark, text: t });
                        let (rest, e2) = take_label(e + 1);
                        if !rest.is_empty() {
                            out.push(Piece::Text(rest));
                        }
                        i = e2;
                    } else {
                        out.push(Piece::OpenText { mark, text: t });
                        i = e;
                    }
                }
            }
            ']' => {
                let (label, e) = take_label(i + 1);
                out.push(Piece::Close { label });
                i = e;
            }
            _ => i += 1,
        }
    }
    out
}

/// A line that is nothing but marks (`○`, `○ ○`): how many.
pub fn lone_marks(text: &str) -> usize {
    let t: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.is_empty() && t.iter().all(|&c| is_mark(c)) {
        t.len()
    } else {
        0
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
