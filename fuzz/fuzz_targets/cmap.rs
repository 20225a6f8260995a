//! The CMap parser (ToUnicode and embedded CMaps).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pia_extract::pdf::fuzz_cmap(data);
});
