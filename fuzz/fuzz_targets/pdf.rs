//! The PDF reader and the whole pipeline on bytes that start like a PDF.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pia_extract::pdf::read(data);
    if data.starts_with(b"%PDF-") {
        let _ = pia_extract::extract(data, "fuzz.pdf");
    }
});
