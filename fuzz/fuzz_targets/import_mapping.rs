//! The `import_mapping` oracle (`groundgame_fuzz::import_mapping`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::import_mapping(data));
