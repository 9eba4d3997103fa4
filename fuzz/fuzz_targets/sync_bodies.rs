//! The `sync_bodies` oracle (`groundgame_fuzz::sync_bodies`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::sync_bodies(data));
