//! Stage 1: bytes → text. Detects UTF-8 (BOM or not), UTF-16 with BOM (and without, by the
//! position of NUL bytes), `Shift_JIS/CP932` and EUC-JP. Malformed bytes become U+FFFD and a
//! diagnostic; nothing here panics.

use crate::diag::{Code, Diag, Warned};
use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

/// Shorter inputs are not sniffed for BOM-less UTF-16.
const UTF16_MIN_BYTES: usize = 8;
/// Bytes looked at to sniff BOM-less UTF-16.
const UTF16_SAMPLE_BYTES: usize = 4096;
/// One side of the code units is NUL-heavy when more than 1/this of them are NUL (ASCII).
const NUL_HEAVY_DIVISOR: usize = 3;
/// The other side is NUL-light when fewer than 1/this of them are NUL.
const NUL_LIGHT_DIVISOR: usize = 10;

/// Decoded text and the encoding it was read in.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// Name as written in the record: "UTF-8", "UTF-16LE", "`Shift_JIS`", "EUC-JP".
    pub encoding: &'static str,
}

fn name_of(enc: &'static Encoding) -> &'static str {
    if enc == UTF_8 {
        "UTF-8"
    } else if enc == UTF_16LE {
        "UTF-16LE"
    } else if enc == UTF_16BE {
        "UTF-16BE"
    } else if enc == SHIFT_JIS {
        "Shift_JIS"
    } else if enc == EUC_JP {
        "EUC-JP"
    } else {
        enc.name()
    }
}

/// Count U+FFFD produced when decoding `bytes` with `enc` (without BOM handling).
fn errors_with(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let n = text.chars().filter(|&c| c == '\u{FFFD}').count();
    (text.into_owned(), n)
}

fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < UTF16_MIN_BYTES {
        return None;
    }
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE_BYTES) & !1];
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    // Japanese text in UTF-16 has few NULs; ASCII-heavy text has many on one side.
    let heavy = |n: usize| n * NUL_HEAVY_DIVISOR > half;
    let light = |n: usize| n * NUL_LIGHT_DIVISOR < half;
    if heavy(odd_nul) && light(even_nul) {
        Some(UTF_16LE)
    } else if heavy(even_nul) && light(odd_nul) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Not valid UTF-8: pick among the Japanese legacy encodings by the fewest errors (ties go
/// to `Shift_JIS`, then UTF-8); the text decoded with it and its error count.
fn legacy_guess(bytes: &[u8]) -> (&'static Encoding, String, usize) {
    let (t8, e8) = errors_with(UTF_8, bytes);
    let (tsj, esj) = errors_with(SHIFT_JIS, bytes);
    let (teuc, eeuc) = errors_with(EUC_JP, bytes);
    if esj <= eeuc && esj < e8 {
        (SHIFT_JIS, tsj, esj)
    } else if eeuc < esj && eeuc < e8 {
        (EUC_JP, teuc, eeuc)
    } else {
        // valid UTF-8 (with NUL bytes): a U+FFFD it holds is no error
        (UTF_8, t8, if std::str::from_utf8(bytes).is_ok() { 0 } else { e8 })
    }
}

/// Stage 1: bytes → text in the detected encoding, line ends folded to LF.
#[must_use]
pub fn decode(bytes: &[u8]) -> Warned<Decoded> {
    let mut diags = Vec::new();
    let (enc, text, bad) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        with(enc, &bytes[bom_len..])
    } else if !bytes.contains(&0)
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        // valid UTF-8 is taken as it is: nothing to replace
        (UTF_8, s.to_owned(), 0)
    } else if let Some(enc) = utf16_without_bom(bytes) {
        with(enc, bytes)
    } else {
        legacy_guess(bytes)
    };
    if bad > 0 {
        diags.push(Diag::new(
            Code::MalformedBytes,
            format!("{bad} byte sequence(s) could not be decoded as {}; replaced by U+FFFD", name_of(enc)),
        ));
    }
    // Normalise line ends: CRLF and lone CR become LF.
    let text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    Warned { value: Decoded { text, encoding: name_of(enc) }, diags }
}

/// Decode `body` with `enc`: valid UTF-8 as it is (a U+FFFD it holds is no error), else
/// with U+FFFD for each malformed sequence, counted.
fn with(enc: &'static Encoding, body: &[u8]) -> (&'static Encoding, String, usize) {
    if enc == UTF_8
        && let Ok(s) = std::str::from_utf8(body)
    {
        return (enc, s.to_owned(), 0);
    }
    let (text, bad) = errors_with(enc, body);
    (enc, text, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        let s = "特定個人情報保護評価書（全項目評価書）\r\n評価書番号\r\n";
        assert_eq!(decode(s.as_bytes()).value.encoding, "UTF-8");
        let (sj, _, _) = SHIFT_JIS.encode(s);
        let d = decode(&sj);
        assert_eq!(d.value.encoding, "Shift_JIS");
        assert_eq!(d.value.text, s.replace("\r\n", "\n"));
        let (euc, _, _) = EUC_JP.encode(s);
        assert_eq!(decode(&euc).value.encoding, "EUC-JP");
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&le);
        assert_eq!(d.value.encoding, "UTF-16LE");
        assert!(d.value.text.starts_with("特定"));
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom8).value.text.chars().next(), Some('特'));
    }

    #[test]
    fn utf16_without_bom_by_nul_bytes() {
        let s = "Form 2\r\nPIA 評価書\n";
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&be);
        assert_eq!(d.value.encoding, "UTF-16BE");
        assert_eq!(d.value.text, "Form 2\nPIA 評価書\n");
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le).value.encoding, "UTF-16LE");
        assert!(decode(&le).diags.is_empty());
    }

    #[test]
    fn lone_cr_becomes_lf() {
        assert_eq!(decode(b"a\rb\r\nc").value.text, "a\nb\nc");
    }

    #[test]
    fn truncated_shift_jis_gives_diagnostic() {
        let (mut sj, _, _) = SHIFT_JIS.encode("評価書番号の記載");
        let mut sj = std::mem::take(sj.to_mut());
        sj.push(0x81);
        let d = decode(&sj);
        assert_eq!(d.value.encoding, "Shift_JIS");
        assert_eq!(d.value.text, "評価書番号の記載\u{FFFD}");
        assert_eq!(d.diags.len(), 1);
        assert_eq!(d.diags[0].code, Code::MalformedBytes);
    }

    #[test]
    fn malformed_gives_diagnostic() {
        let mut b = "評価書".as_bytes().to_vec();
        b.push(0xFF);
        b.extend_from_slice("番号".as_bytes());
        let d = decode(&b);
        assert!(d.value.text.contains('\u{FFFD}') || d.value.encoding != "UTF-8");
        assert!(!d.diags.is_empty() || d.value.encoding != "UTF-8");
    }
}
