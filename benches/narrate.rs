//! The narration alone: a leaflet's chapter scripts spoken by the embedded
//! voice on one thread, with no mastering and no packaging. `scripts/bench.sh`
//! compares a full build against this to find the parallel speed-up and what
//! mastering and packaging add. Prints the seconds taken, in all and for
//! each chapter: the best of `--repeat N` narrations (default 3), as the
//! builds it is compared with are timed.
//!
//! `--only 3,7` narrates those chapters only (for the instruction count of
//! the chapters a rebuild narrates again).
//!
//! Run: `cargo bench --bench narrate -- LEAFLET [--repeat N] [--only LIST]`

use std::time::Instant;

use audio_leaflet::{build, leaflet, script, synth};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let repeat: usize = value("--repeat")
        .map(|n| n.parse().expect("--repeat takes a number"))
        .unwrap_or(3);
    let only: Option<Vec<usize>> = value("--only").map(|list| {
        list.split(',')
            .map(|n| n.trim().parse().expect("--only takes chapter numbers"))
            .collect()
    });
    let path = args
        .iter()
        .enumerate()
        .find(|(i, a)| {
            !a.starts_with("--")
                && (*i == 0 || !["--repeat", "--only"].contains(&args[i - 1].as_str()))
        })
        .map(|(_, a)| a.clone())
        .unwrap_or_else(|| "examples/carpal-tunnel.txt".into());
    let source = leaflet::read(std::path::Path::new(&path), None).expect("the leaflet reads");
    let options = script::Options::with_built_in_lexicon();
    let mut script = script::write(&source.leaflet, &options);
    if let Some(only) = &only {
        script.chapters.retain(|c| only.contains(&c.index));
    }
    let settings = build::voice_settings(&options, None, std::path::Path::new("/nonexistent"));
    let voice = synth::open(synth::DEFAULT_VOICE, &settings).expect("the built-in voice opens");
    // One worker: the voice speaks a chapter's utterances on the rayon pool
    // it is called from, and this measures the narration's cost on one core.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a worker thread starts");
    let mut best: Option<Narrated> = None;
    for _ in 0..repeat.max(1) {
        let now = pool.install(|| narrate(&script, voice.as_ref()));
        best = Some(match best {
            None => now,
            Some(b) => Narrated {
                took: b.took.min(now.took),
                audio_s: now.audio_s,
                each: b
                    .each
                    .iter()
                    .zip(&now.each)
                    .map(|(&(i, a), &(_, c))| (i, a.min(c)))
                    .collect(),
            },
        });
    }
    let best = best.expect("narrated at least once");
    println!(
        "narrate_only_s={:.4} audio_s={:.1}",
        best.took, best.audio_s
    );
    // Each chapter's share, for the one-chapter rebuild's target.
    for (index, s) in best.each {
        println!("chapter_s={index}:{s:.4}");
    }
}

/// One narration of the whole script: seconds taken, seconds of audio, and
/// each chapter's seconds taken.
struct Narrated {
    took: f64,
    audio_s: f64,
    each: Vec<(usize, f64)>,
}

fn narrate(script: &script::Script, voice: &dyn synth::Synthesizer) -> Narrated {
    let started = Instant::now();
    let mut audio_s = 0.0;
    let mut each = Vec::new();
    for chapter in &script.chapters {
        let start = Instant::now();
        let speech = voice
            .synthesize_utterances(&build::units(chapter))
            .expect("narration works");
        each.push((chapter.index, start.elapsed().as_secs_f64()));
        audio_s += speech.pcm.duration_s();
    }
    Narrated {
        took: started.elapsed().as_secs_f64(),
        audio_s,
        each,
    }
}
