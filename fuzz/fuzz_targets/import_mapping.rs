//! A column-mapping file (TOML) a lead writes for a voter file in no known layout, then a
//! small file read with it. The oracle: no panic; a bad mapping is an error, not a crash.

#![no_main]

use groundgame_server::import::{Format, Mapping, ReadOptions, VoterReader};
use libfuzzer_sys::fuzz_target;

const FILE: &[u8] = b"Voter ID,First,Last,Address,City,Zip,Phone\r\n\
A1,Ana,Diaz,12 Elm St,Durham,27701,919-555-0101\r\n\
A2,Ben,Okafor,14 Elm St,Durham,27701,\r\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mapping) = Mapping::parse(text) else {
        return;
    };
    let format = Format::Mapped(Box::new(mapping));
    if let Ok(reader) = VoterReader::new(FILE, &format, ReadOptions::for_year(2026), None) {
        for row in reader {
            if row.is_err() {
                break;
            }
        }
    }
});
