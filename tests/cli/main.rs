//! Integration tests: the command line and the library, a module per feature.

mod bad_input;
mod build;
mod correcting;
mod coverage;
mod daisy;
mod errors;
mod espeak;
mod joined;
mod markdown;
mod package_check;
mod pdf_text;
mod player;
mod reading;
mod rebuild;
mod script;
mod util;
