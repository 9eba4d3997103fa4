//! The `script_toml` oracle (`groundgame_fuzz::script_toml`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::script_toml(data));
