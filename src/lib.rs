//! audio-leaflet: turns a patient-information leaflet into a chaptered audio version.
//!
//! The flow runs one way: [`leaflet`] reads the file, [`script`] decides what is
//! said, [`synth`] and [`audio`] turn that into sound, [`package`] writes the
//! files a listener opens, and [`build`] drives the whole thing.
//!
//! Which module may use which (an arrow is "uses"; `layers` tests it):
//!
//! ```text
//!   cli ──> commands ──> build ──> package ──> script ──> leaflet
//!    │                     │   └─> synth ───> audio  <──┘ (package)
//!    ├──> say ──> script, synth
//!    └──> serve ──> commands, build and the stages (the staff web app)
//! ```
//!
//! - `leaflet` and `audio` use no stage; `script` uses `leaflet`; `synth`
//!   uses `audio` (never the script's or the leaflet's types: it is given
//!   plain text-and-pause units); `package` uses `audio` and `script` (the
//!   utterance roles), never `synth`; `build` uses every stage; `commands`
//!   is the library face of each command; `serve` is a front end like
//!   `cli`; nothing uses `cli`, `serve` or `main` but `cli` (which starts
//!   `serve`).
//! - `error`, `fsutil`, `plain`, `slug` and the other helpers are usable from
//!   anywhere and use only each other.

pub mod alloc;
pub mod audio;
pub mod build;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod error;
pub mod fsutil;
pub mod html_tags;
pub mod layers;
pub mod leaflet;
pub mod package;
pub mod plain;
pub mod say;
pub mod script;
pub mod serve;
pub mod slug;
pub mod synth;
pub mod words;

pub use error::{Error, Result};
