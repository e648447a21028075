//! Any bytes, given to the reader their contents call for (as `build` does).
#![no_main]

use audio_leaflet_fuzz::read_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    read_file(data, None);
});
