//! The `voter_file` oracle (`groundgame_fuzz::voter_file`, in `fuzz/src/lib.rs`) under libFuzzer.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| groundgame_fuzz::voter_file(data));
