//! The narration alone: a leaflet's chapter scripts spoken by the embedded
//! voice on one thread, with no mastering and no packaging. `scripts/bench.sh`
//! compares a full build against this to find the parallel speed-up and what
//! mastering and packaging add. Prints the seconds taken, in all and for
//! each chapter.
//!
//! Run: `cargo bench --bench narrate -- LEAFLET`

use std::time::Instant;

use audio_leaflet::{build, leaflet, script, synth};

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "examples/carpal-tunnel.txt".into());
    let source = leaflet::read(std::path::Path::new(&path), None).expect("the leaflet reads");
    let options = script::Options::with_built_in_lexicon();
    let script = script::write(&source.leaflet, &options);
    let settings = build::voice_settings(&options, None, std::path::Path::new("/nonexistent"));
    let voice = synth::open(synth::DEFAULT_VOICE, &settings).expect("the built-in voice opens");
    // One worker: the voice speaks a chapter's utterances on the rayon pool
    // it is called from, and this measures the narration's cost on one core.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a worker thread starts");
    pool.install(|| narrate(&script, voice.as_ref()));
}

fn narrate(script: &script::Script, voice: &dyn synth::Synthesizer) {
    let started = Instant::now();
    let mut seconds = 0.0;
    let mut each = Vec::new();
    for chapter in &script.chapters {
        let start = Instant::now();
        let speech = voice
            .synthesize_utterances(&build::units(chapter))
            .expect("narration works");
        each.push((chapter.index, start.elapsed().as_secs_f64()));
        seconds += speech.pcm.duration_s();
    }
    let took = started.elapsed().as_secs_f64();
    println!("narrate_only_s={took:.4} audio_s={seconds:.1}");
    // Each chapter's share, for the one-chapter rebuild's target.
    for (index, s) in each {
        println!("chapter_s={index}:{s:.4}");
    }
}
