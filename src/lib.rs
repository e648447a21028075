//! audio-leaflet: turns a patient-information leaflet into a chaptered audio version.
//!
//! The flow runs one way: [`leaflet`] reads the file, [`script`] decides what is
//! said, [`synth`] and [`audio`] turn that into sound, [`package`] writes the
//! files a listener opens, and [`build`] drives the whole thing.

pub mod audio;
pub mod build;
pub mod cli;
pub mod clock;
pub mod error;
pub mod fsutil;
pub mod html_tags;
pub mod leaflet;
pub mod package;
pub mod plain;
pub mod say;
pub mod script;
pub mod slug;
pub mod synth;

pub use error::{Error, Result};
