//! The text pipeline: decode → lines → cover → form → fields → annex → policy → record.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.windows(5).any(|w| w == b"%PDF-") {
        return; // that is the PDF target's input
    }
    let _ = pia_extract::extract_to_json(data, "fuzz.txt");
});
