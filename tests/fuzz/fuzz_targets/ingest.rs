//! libFuzzer target: every input through `harness::ingest`, the ingest path alone (see there
//! for what its bytes mean).
#![no_main]

mod dirs;
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (scratch, _) = dirs::dirs();
    harness::ingest(data, scratch);
});
