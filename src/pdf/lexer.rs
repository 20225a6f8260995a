//! The content-stream tokenizer: operands then operator, faster than a general object parser
//! and tolerant (on damage it stops and says so, keeping what it read).

use lopdf::content::Operation;
use lopdf::{Dictionary, Object, StringFormat};

/// Most operations read from one page's content; beyond that the page is not worth reading.
pub(crate) const MAX_OPS: usize = 2_000_000;
/// Most operands kept for one operator; real operators take at most a handful.
const MAX_OPERANDS: usize = 4096;
/// Deepest nesting of arrays and dictionaries accepted in an operand.
const MAX_NESTING: usize = 32;

fn is_delim(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, 0 | 9 | 10 | 12 | 13 | 32)
}

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// A hex string whose `<` is at `open`: its bytes (non-hex characters ignored, an odd final
/// digit padded with 0) and the index of the closing `>` (or the end of `data`).
pub(crate) fn hex_string(data: &[u8], open: usize) -> (Vec<u8>, usize) {
    let mut digits = Vec::new();
    let mut i = open + 1;
    while i < data.len() && data[i] != b'>' {
        if data[i].is_ascii_hexdigit() {
            digits.push(data[i]);
        }
        i += 1;
    }
    if digits.len() % 2 == 1 {
        digits.push(b'0');
    }
    (digits.chunks(2).map(|p| (hexval(p[0]) << 4) | hexval(p[1])).collect(), i)
}

/// A name's `#xx` escapes decoded.
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() && raw[i + 1].is_ascii_hexdigit() && raw.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            out.push((hexval(raw[i + 1]) << 4) | hexval(raw[i + 2]));
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// A content stream's operations, and whether it was read to its end without damage.
#[must_use]
pub(crate) fn content_ops(data: &[u8]) -> (Vec<Operation>, bool) {
    let mut lexer = Lexer { data, pos: 0 };
    let mut ops = Vec::new();
    let mut operands: Vec<Object> = Vec::new();
    loop {
        lexer.skip_ws();
        if lexer.pos >= data.len() {
            return (ops, true);
        }
        match lexer.value(0) {
            Some(Token::Operand(o)) => {
                if operands.len() < MAX_OPERANDS {
                    operands.push(o);
                }
            }
            Some(Token::Operator(op)) => {
                if op == "BI" {
                    // inline image: its dictionary, then binary data up to a whitespace-delimited EI
                    if !lexer.skip_inline_image() {
                        return (ops, false);
                    }
                    operands.clear();
                    continue;
                }
                ops.push(Operation { operator: op, operands: std::mem::take(&mut operands) });
                if ops.len() > MAX_OPS {
                    return (ops, true);
                }
            }
            None => return (ops, false),
        }
    }
}

enum Token {
    Operand(Object),
    Operator(String),
}

/// An operator token that means nothing: a stray delimiter, skipped.
fn nothing() -> Token {
    Token::Operator(String::new())
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular(&mut self) -> &[u8] {
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// One operand or operator; None on damage.
    fn value(&mut self, depth: usize) -> Option<Token> {
        if depth > MAX_NESTING {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'/' => {
                self.pos += 1;
                let raw = self.regular().to_vec();
                Some(Token::Operand(Object::Name(unescape_name(&raw))))
            }
            b'(' => self.literal().map(|s| Token::Operand(Object::String(s, StringFormat::Literal))),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => self.dictionary(depth),
            b'<' => {
                let (bytes, close) = hex_string(self.data, self.pos);
                self.pos = close + 1;
                Some(Token::Operand(Object::String(bytes, StringFormat::Hexadecimal)))
            }
            b'[' => self.array(depth),
            b']' | b')' | b'>' | b'{' | b'}' => {
                self.pos += 1;
                Some(nothing())
            }
            _ => Some(self.keyword_or_number()),
        }
    }

    fn dictionary(&mut self, depth: usize) -> Option<Token> {
        self.pos += 2;
        let mut dict = Dictionary::new();
        loop {
            self.skip_ws();
            if self.data.get(self.pos..self.pos + 2) == Some(b">>") {
                self.pos += 2;
                return Some(Token::Operand(Object::Dictionary(dict)));
            }
            let Token::Operand(Object::Name(k)) = self.value(depth + 1)? else { return None };
            let Token::Operand(v) = self.value(depth + 1)? else { return None };
            dict.set(k, v);
        }
    }

    fn array(&mut self, depth: usize) -> Option<Token> {
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Some(Token::Operand(Object::Array(items)));
            }
            match self.value(depth + 1)? {
                Token::Operand(o) => items.push(o),
                Token::Operator(_) => {} // a stray keyword inside an array: ignored
            }
        }
    }

    /// A number, `true`/`false`/`null`, or an operator.
    fn keyword_or_number(&mut self) -> Token {
        let tok = self.regular();
        if tok.is_empty() {
            self.pos += 1;
            return nothing();
        }
        let t = std::str::from_utf8(tok).unwrap_or("");
        if let Ok(n) = t.parse::<i64>() {
            return Token::Operand(Object::Integer(n));
        }
        if t.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
            && let Ok(f) = t.parse::<f32>()
        {
            return Token::Operand(Object::Real(f));
        }
        match t {
            "true" => Token::Operand(Object::Boolean(true)),
            "false" => Token::Operand(Object::Boolean(false)),
            "null" => Token::Operand(Object::Null),
            _ => Token::Operator(t.to_string()),
        }
    }

    /// A literal string from its `(`; None when unterminated.
    fn literal(&mut self) -> Option<Vec<u8>> {
        self.pos += 1; // '('
        let mut out = Vec::new();
        let mut depth = 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.escape(&mut out)?,
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        None
    }

    /// The escape after a `\` in a literal string; None at the end of the data.
    fn escape(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let e = self.peek()?;
        self.pos += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                // an octal escape above \377 keeps its low byte
                out.push(v.to_le_bytes()[0]);
            }
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
        Some(())
    }

    fn skip_inline_image(&mut self) -> bool {
        // the image dictionary up to ID
        loop {
            self.skip_ws();
            if self.pos >= self.data.len() {
                return false;
            }
            let save = self.pos;
            match self.value(1) {
                Some(Token::Operator(op)) if op == "ID" => break,
                Some(_) => {}
                None => self.pos = save + 1,
            }
        }
        // data: up to whitespace, EI, whitespace (or the end)
        let d = self.data;
        let mut k = self.pos + 1;
        while k + 2 <= d.len() {
            if &d[k..k + 2] == b"EI" && is_ws(d[k - 1]) && d.get(k + 2).is_none_or(|&c| is_ws(c)) {
                self.pos = k + 2;
                return true;
            }
            k += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_tokens() {
        let (ops, ok) = content_ops(
            b"BT /F1 12 Tf 10.5 -2 Td (a\\(b\\)\\101) Tj [<3042> -250 (x)] TJ ET q 1 0 0 1 0 0 cm Q BI /W 1 ID \x00\xffEI EI 0 0 m",
        );
        assert!(ok);
        let names: Vec<&str> = ops.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Td", "Tj", "TJ", "ET", "q", "cm", "Q", "m"]);
        assert_eq!(ops[3].operands[0], Object::String(b"a(b)A".to_vec(), StringFormat::Literal));
        assert_eq!(ops[2].operands, vec![Object::Real(10.5), Object::Integer(-2)]);
        let (_, ok) = content_ops(b"BT (unterminated");
        assert!(!ok);
    }

    #[test]
    fn hex_strings() {
        assert_eq!(hex_string(b"<30 4 2>", 0), (vec![0x30, 0x42], 7));
        assert_eq!(hex_string(b"<abc", 0), (vec![0xAB, 0xC0], 4));
    }
}
