//! The `geocode_csv` oracle (`groundgame_fuzz::geocode_csv`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::geocode_csv(data));
