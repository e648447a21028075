//! Integration tests: the command line and the library, a module per feature.

mod bad_input;
mod build;
mod bundle;
// The fuzz targets' checks, shared with the fuzz crate.
#[path = "../../fuzz/src/lib.rs"]
mod checks;
mod correcting;
mod coverage;
mod daisy;
mod epub;
mod errors;
mod espeak;
mod golden;
mod hostile;
mod html_pages;
mod joined;
mod library;
mod markdown;
mod natural;
mod package_check;
mod pdf_files;
mod pdf_text;
mod player;
mod properties;
mod reading;
mod rebuild;
mod round_trip;
mod script;
mod serve;
mod shard;
mod sniffing;
mod util;
mod word;
