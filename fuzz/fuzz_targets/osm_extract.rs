//! The `osm_extract` oracle (`groundgame_fuzz::osm_extract`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::osm_extract(data));
