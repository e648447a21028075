//! Any bytes, read (the first byte chooses PDF text or Markdown) and written
//! as the spoken script with the built-in lexicon.
#![no_main]

use audio_leaflet_fuzz::{format_and_text, script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, text) = format_and_text(data);
    script(&text, format);
});
