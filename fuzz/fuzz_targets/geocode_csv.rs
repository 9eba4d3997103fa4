//! A geocoding file a lead uploads: this project's CSV or the US Census Geocoder's batch
//! output as it comes. The oracle: no panic; every row a location or an issue.

#![no_main]

use groundgame_server::import::GeoReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = GeoReader::new(data) else {
        return;
    };
    for row in reader.take(100_000) {
        if row.is_err() {
            break;
        }
    }
});
