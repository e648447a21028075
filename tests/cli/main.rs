//! Integration tests: the command line and the library, a module per feature.

mod build;
mod correcting;
mod coverage;
mod errors;
mod espeak;
mod pdf_text;
mod player;
mod reading;
mod util;
