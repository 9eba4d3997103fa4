//! A volunteer's own contacts, imported for relational organizing: vCard (3.0 and 4.0, as
//! phones export them) or CSV (Google's and Outlook's layouts), detected from the text, then
//! planned against contacts already on the phone. The oracle: no panic.

#![no_main]

use groundgame_core::network::import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = import::parse(&text) {
        let _ = import::plan(parsed, &[]);
    }
});
