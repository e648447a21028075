//! Any bytes, read as a Word (.docx) file.
#![no_main]

use audio_leaflet::leaflet::Kind;
use audio_leaflet_fuzz::read_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    read_file(data, Some(Kind::Docx));
});
