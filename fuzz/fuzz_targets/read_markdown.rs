//! Any bytes, read as a Markdown leaflet.
#![no_main]

use audio_leaflet::leaflet::Format;
use audio_leaflet_fuzz::{read, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    read(&text_of(data), Format::Markdown);
});
