//! Any bytes, as text, in their spoken form for English and Spanish.
#![no_main]

use audio_leaflet_fuzz::{normalize, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    normalize(&text_of(data));
});
