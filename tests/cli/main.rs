//! Integration tests: the command line and the library, a module per feature.

mod build;
mod errors;
mod markdown;
mod reading;
mod util;
