//! A canvassing or phone-bank script file (TOML) as a lead saves it. The oracle: no panic;
//! a script that parses also validates or says what is wrong with it.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(script) = groundgame_server::script_file::parse(text) {
        let _ = script.validate();
    }
});
