//! Bad input never panics, hangs or loses results: random bytes, truncated and bit-flipped
//! seeds all give a record (an error record at worst) and never an `internal_panic`.

use proptest::prelude::*;

fn seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<_> = std::fs::read_dir("fixtures/seeds").unwrap().flatten().map(|e| e.path()).collect();
    v.sort();
    v.into_iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn check(bytes: &[u8]) {
    let r = pia_extract::extract(bytes, "fuzz.txt");
    assert!(!r.diagnostics.iter().any(|d| d.code == "internal_panic"), "{:?}", r.diagnostics);
    assert_eq!(r.source.sha256.as_deref().map(str::len), Some(64), "read bytes always carry their sha256");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn random_text_of_form_words_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("[ ○ ] "), Just("] "), Just("[ "), Just("○\n"), Just("\n"), Just("＜選択肢＞\n"), Just("1） 十分である "),
        Just("リスクへの対策は十分か "), Just("Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策\n"),
        Just(" ２．特定個人情報の入手\n"), Just(" リスク１：　目的外の入手が行われるリスク\n"), Just("システム1\n"),
        Just("③他のシステムとの接続\n"), Just("宛名システム等 "), Just("\t"), Just("<input checked=\"\"/>"), Just("&lt;"),
        Just("特定個人情報保護評価書（全項目評価書）\n"), Just("令和元年5月1日\n"), Just("①"), Just("\u{FFFD}"), Just("\r\n")
    ], 0..300)) {
        check(parts.concat().as_bytes());
    }

    #[test]
    fn truncated_and_flipped_seeds_never_panic(which in 0usize..5, cut in 0.0f64..1.0, flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8)) {
        let seeds = seeds();
        let s = &seeds[which % seeds.len()];
        let mut b = s[..(s.len() as f64 * cut) as usize].to_vec();
        for (pos, x) in flips {
            if !b.is_empty() {
                let i = ((b.len() - 1) as f64 * pos) as usize;
                b[i] ^= x;
            }
        }
        check(&b);
    }
}

#[test]
fn encodings_give_the_same_fields() {
    let s = std::fs::read_to_string("fixtures/seeds/004_4bd0014aada78468.txt").unwrap();
    let base = pia_extract::extract(s.as_bytes(), "x.txt");
    let (sj, _, bad) = encoding_rs::SHIFT_JIS.encode(&s);
    assert!(!bad);
    let r = pia_extract::extract(&sj, "x.txt");
    assert_eq!(r.source.encoding.as_deref(), Some("Shift_JIS"));
    assert_eq!(r.fields, base.fields);
    let crlf = s.replace('\n', "\r\n");
    assert_eq!(pia_extract::extract(crlf.as_bytes(), "x.txt").fields, base.fields);
    let mut le = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    let r = pia_extract::extract(&le, "x.txt");
    assert_eq!(r.source.encoding.as_deref(), Some("UTF-16LE"));
    assert_eq!(r.fields, base.fields);
}

#[test]
fn empty_and_foreign_inputs_are_error_records() {
    let r = pia_extract::extract(b"", "empty.txt");
    assert!(r.diagnostics.iter().any(|d| d.code == "empty_input" && d.level == "error"));
    let r = pia_extract::extract("これは評価書ではありません。\n天気は晴れ。\n".as_bytes(), "other.txt");
    assert!(r.diagnostics.iter().any(|d| d.code == "not_a_pia"));
}
