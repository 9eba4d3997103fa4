//! A voter file as a lead uploads it: North Carolina's layout, a VAN-style export, or any
//! CSV/TSV with a mapping file — every encoding, delimiter and line ending the reader
//! guesses, and every row read to the end. The oracle: no panic, and every row is a voter
//! or a report line.

#![no_main]

use groundgame_server::import::{Format, Mapping, ReadOptions, VoterReader};
use libfuzzer_sys::fuzz_target;

/// A mapping like the README's example, for the mapped format.
const MAPPING: &str = r#"
[columns]
source_id = "Voter ID"
first_name = "First"
last_name = "Last"
address = "Address"
city = "City"
zip = "Zip"
phone = "Phone"
"#;

fuzz_target!(|data: &[u8]| {
    let Some((&which, file)) = data.split_first() else {
        return;
    };
    let format = match which % 3 {
        0 => Format::NcVoter,
        1 => Format::Van,
        _ => Format::Mapped(Box::new(Mapping::parse(MAPPING).expect("the mapping parses"))),
    };
    let Ok(reader) = VoterReader::new(file, &format, ReadOptions::for_year(2026), None) else {
        return;
    };
    for row in reader.take(100_000) {
        if row.is_err() {
            break;
        }
    }
});
