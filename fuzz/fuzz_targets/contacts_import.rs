//! The `contacts_import` oracle (`groundgame_fuzz::contacts_import`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::contacts_import(data));
