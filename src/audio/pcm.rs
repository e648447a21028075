//! Sound as the program passes it around: mono 16-bit samples, and spans
//! of them (where each utterance is).

/// Mono 16-bit samples at a known rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pcm {
    pub samples: Vec<i16>,
    pub sample_rate: u32,
}

impl Pcm {
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }

    /// Append `ms` milliseconds of silence.
    pub fn push_silence(&mut self, ms: u32) {
        let n = silence_len(self.sample_rate, ms);
        self.samples.resize(self.samples.len() + n, 0);
    }
}

/// Samples in `ms` milliseconds at `rate`, as [`Pcm::push_silence`] adds.
pub fn silence_len(rate: u32, ms: u32) -> usize {
    (rate as u64 * ms as u64 / 1000) as usize
}

/// Where something is in a run of samples: `start..end`, in samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// Speech and where each of its utterances is in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Speech {
    pub pcm: Pcm,
    /// One span per utterance, in order; the pause after an utterance is
    /// between its span's end and the next one's start.
    pub marks: Vec<Span>,
}
