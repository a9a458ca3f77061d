//! libFuzzer target: every input through `harness::run`, a whole command (see there for what
//! its bytes mean).
#![no_main]

mod dirs;
#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (scratch, fixtures) = dirs::dirs();
    harness::run(data, scratch, fixtures);
});
