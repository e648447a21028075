//! Mastering: every chapter starts and ends the same way and sounds equally
//! loud. Silence at the edges is trimmed and replaced with a fixed lead-in and
//! tail; the chapter is brought to -18 LUFS integrated (EBU R128) with its true
//! peak at most -1.5 dBTP.

use super::loudness::Meter;
use super::pieces::{self, PIECE_S};
use ebur128::{EbuR128, Mode};
use rayon::prelude::*;

use super::{Pcm, Span};

pub const TARGET_LUFS: f64 = -18.0;
pub const MAX_TRUE_PEAK_DBTP: f64 = -1.5;
/// What the peaks are held to: a little under the limit, since meters that
/// oversample more finely than 4x (ffmpeg's, for one) read a few tenths of a
/// decibel higher between samples.
const PEAK_AIM_DBTP: f64 = MAX_TRUE_PEAK_DBTP - 0.4;
pub const LEAD_IN_MS: u32 = 500;
/// The shortest tail; it runs on to the end of the MP3 frame it ends in
/// (under 36 ms more at 16 kHz), so that a chapter is a whole number of
/// frames and the joined leaflet can be the chapters' frames end to end
/// ([`super::mp3::splice`]).
pub const TAIL_MS: u32 = 1000;

/// Samples quieter than this (about -44 dBFS) at the edges count as silence.
const SILENCE: i16 = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Mastered {
    pub pcm: Pcm,
    /// Where each utterance is in the mastered samples.
    pub marks: Vec<Span>,
    /// Measured on the samples written: integrated loudness and true peak.
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
}

/// Trim, pad, normalise and limit one chapter; `marks` (spans of the
/// unmastered samples) are moved to where the same sound is afterwards.
pub fn master(pcm: &Pcm, marks: &[Span]) -> Mastered {
    let (first, last) = trimmed(&pcm.samples);
    let mut done = master_samples(&pcm.samples[first..last], pcm.sample_rate);
    let lead = (pcm.sample_rate as u64 * LEAD_IN_MS as u64 / 1000) as usize;
    let moved = |at: u64| (lead + (at as usize).clamp(first, last) - first) as u64;
    done.marks = marks
        .iter()
        .map(|m| {
            let span = Span {
                start: moved(m.start),
                end: moved(m.end),
            };
            to_speech(&done.pcm.samples, span, pcm.sample_rate)
        })
        .collect();
    done
}

/// Speech is louder than this in a window (RMS, dBFS): 27 dB under the
/// mastered level, above a voice's own breath and room tone.
const SPEECH_DBFS: f64 = -45.0;
/// The window the edges of speech are found to.
const EDGE_MS: u64 = 5;

/// A span drawn in to the speech inside it: a voice's output for an
/// utterance starts and ends with some quiet of its own (flite's is 100 to
/// 250 ms), which belongs to the pause, not to the utterance. The span
/// starts a window before the first window louder than [`SPEECH_DBFS`] and
/// ends a window after the last; a span with no such window is left as it
/// was.
fn to_speech(samples: &[i16], span: Span, rate: u32) -> Span {
    let n = (u64::from(rate) * EDGE_MS / 1000).max(1) as usize;
    let floor = (10f64.powf(SPEECH_DBFS / 20.0) * 32768.0).powi(2) * n as f64;
    let end = (span.end as usize).min(samples.len());
    let start = (span.start as usize).min(end);
    let loud = |at: usize| {
        let w = &samples[at..(at + n).min(end)];
        w.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() > floor
    };
    let Some(first) = (start..end).step_by(n).find(|&at| loud(at)) else {
        return span;
    };
    let last = (first..end)
        .step_by(n)
        .rev()
        .find(|&at| loud(at))
        .unwrap_or(first);
    // One window of margin either side keeps the rise of an onset and the
    // fall of a last sound inside the span.
    Span {
        start: first.saturating_sub(n).max(start) as u64,
        end: (last + 2 * n).min(end) as u64,
    }
}

fn master_samples(body: &[i16], rate: u32) -> Mastered {
    let lead = (rate as u64 * LEAD_IN_MS as u64 / 1000) as usize;
    let tail = (rate as u64 * TAIL_MS as u64 / 1000) as usize;
    let frame = super::mp3::frame_samples(rate) as usize;
    let len = (lead + body.len() + tail).div_ceil(frame) * frame;
    let chapter = Chapter::new(lead, body, len, rate);

    let Some(loudness) = loudness_of(&chapter, rate) else {
        // Too quiet or short to measure: padded as it is (no gain, and a
        // ceiling at full scale, which no sample passes).
        return finish(chapter.limited(1.0, 0.0, rate), rate);
    };
    // Limit sample peaks with a margin below the true-peak ceiling, since
    // peaks between samples run higher. Limiting takes some loudness away,
    // so the gain is aimed first with the limiter alone (cheap: it only
    // counts what it takes); one full measurement then confirms both
    // targets, and only a miss (rare) costs another pass.
    let mut ceiling_db = PEAK_AIM_DBTP - 1.0;
    let mut gain_db = aim(&chapter, loudness, db_to_amp(ceiling_db), rate);
    let mut best: Option<Mastered> = None;
    for _ in 0..6 {
        let done = finish(chapter.limited(db_to_amp(ceiling_db), gain_db, rate), rate);
        let over = done.true_peak_dbtp - PEAK_AIM_DBTP;
        let off = TARGET_LUFS - done.loudness_lufs;
        let good = over <= 0.0 && off.abs() <= 0.3;
        if over <= 0.0 || best.is_none() {
            best = Some(done);
        }
        if good {
            break;
        }
        if over > 0.0 {
            ceiling_db -= over + 0.2;
        } else {
            gain_db += off;
        }
    }
    best.expect("at least one pass")
}

/// The gain (dB) that brings a chapter measuring `loudness` to the target
/// once the limiter has taken its share. The limiter is run without output
/// and the energy it removes, as a change in level, is what must be added
/// back; but raising the gain makes it remove more. So it is run at the
/// plain gain and at that gain plus the first share, and the gain where
/// the two agree is found along the line through them (the secant method).
/// On speech the share grows by about a third of any raise and that line
/// lands within a few hundredths of a decibel; a step larger than half a
/// decibel is checked with another run, up to four. The share is measured
/// unweighted: an estimate of what the K-weighted meter will read, which
/// the full measurement afterwards checks.
fn aim(chapter: &Chapter, loudness: f64, ceiling: f64, rate: u32) -> f64 {
    let energy = energy(chapter.body);
    let share = |gain_db: f64| {
        // Each piece's loss, added up in order: the same sum on any pool.
        let lost: Vec<f64> = chapter
            .pieces
            .par_iter()
            .map(|&(from, to)| {
                let body = &chapter.body[from..to];
                let mut lost = 0.0f64;
                limit(body, ceiling, gain_db, rate, |step| {
                    if let Step::One(k, env) = step
                        && env < 1.0
                    {
                        let e = f64::from(env);
                        lost += f64::from(body[k]).powi(2) * (1.0 - e * e);
                    }
                });
                lost
            })
            .collect();
        let lost: f64 = lost.iter().sum();
        -10.0 * ((energy - lost) / energy).max(1e-6).log10()
    };
    let plain = TARGET_LUFS - loudness;
    // How far short of the target a gain leaves the chapter.
    let short = |gain_db: f64| plain + share(gain_db) - gain_db;
    let (mut low, mut low_short) = (plain, short(plain));
    if low_short < 0.01 {
        return plain;
    }
    let mut gain_db = plain + low_short;
    for _ in 0..3 {
        let now = short(gain_db);
        if now.abs() < 0.02 || (now - low_short).abs() < 1e-9 {
            return gain_db;
        }
        let next = (gain_db - now * (gain_db - low) / (now - low_short)).clamp(plain, plain + 24.0);
        (low, low_short) = (gain_db, now);
        let step = next - gain_db;
        gain_db = next;
        if step.abs() < 0.5 {
            break;
        }
    }
    gain_db
}

/// The sum of the squares of `samples`, added as integers (exact, and a
/// loop the compiler widens) and then made an `f64`: the value a sum in
/// `f64` gave (a chain of additions, each waiting on the one before, a
/// seventieth of a build's time) whenever that sum was exact: while it stays
/// under 2^53, which takes 2^23 samples at full scale (8.7 minutes at
/// 16 kHz) and many hours of speech.
fn energy(samples: &[i16]) -> f64 {
    samples
        .iter()
        .map(|&s| (i32::from(s) * i32::from(s)) as u64)
        .sum::<u64>() as f64
}

/// The chapter as mastering sees it: the lead-in's silence, the trimmed
/// body, then silence up to `len`. The silence is not stored: mastering
/// writes the finished chapter once, straight from the body.
struct Chapter<'a> {
    lead: usize,
    body: &'a [i16],
    len: usize,
    /// The body's [`at_rest_pieces`], found once for every limiter pass.
    pieces: Vec<(usize, usize)>,
}

impl<'a> Chapter<'a> {
    fn new(lead: usize, body: &'a [i16], len: usize, rate: u32) -> Chapter<'a> {
        Chapter {
            lead,
            body,
            len,
            pieces: at_rest_pieces(body, rate),
        }
    }

    /// The finished samples at `gain_db`, limited under `ceiling`.
    /// The body's pieces ([`at_rest_pieces`]) are limited in parallel, each
    /// into its own part of the output.
    fn limited(&self, ceiling: f64, gain_db: f64, rate: u32) -> Vec<i16> {
        let mut out = vec![0i16; self.len];
        let gain = db_to_amp(gain_db) as f32;
        let mut rest = &mut out[self.lead..self.lead + self.body.len()];
        let mut parts = Vec::new();
        for &(from, to) in &self.pieces {
            let (part, after) = std::mem::take(&mut rest).split_at_mut(to - from);
            parts.push((&self.body[from..to], part));
            rest = after;
        }
        parts.into_par_iter().for_each(|(body, out)| {
            limit(body, ceiling, gain_db, rate, |step| match step {
                Step::One(k, env) => out[k] = scaled(body[k], gain, env),
                Step::AtRest(run) => scaled_run(&mut out[run.clone()], &body[run], gain),
            });
        });
        out
    }
}

/// The body cut into pieces the limiter can work on apart, in order:
/// `(from, to)` ranges covering it ([`super::pieces`]). Each cut is in
/// digital silence that starts long enough after the last sound for the
/// limiter to be back at rest whatever it did there (its attack twice and
/// its release, a few samples spare) and runs on for an attack, since the
/// limiter looks that far ahead. At rest the limiter holds nothing of what
/// came before, so a piece limited on its own gives exactly the samples the
/// whole body would. Pieces are [`PIECE_S`] seconds or more; a chapter with
/// no such pause is one piece.
fn at_rest_pieces(body: &[i16], rate: u32) -> Vec<(usize, usize)> {
    pieces_of(body, rate, rate as usize * PIECE_S)
}

/// [`at_rest_pieces`] at least `piece` samples long.
fn pieces_of(body: &[i16], rate: u32, piece: usize) -> Vec<(usize, usize)> {
    let attack = (rate as usize * 5 / 1000).max(1);
    let release = (rate as usize * 50 / 1000).max(1);
    let cuts = pieces::cuts(body, piece, 2 * attack + release + 8, attack + 1, 1);
    pieces::between(&cuts, body.len())
}

/// `x.round().clamp(-32768.0, 32767.0) as i16`, the same for every `x`,
/// without `round`: on the x86-64 baseline that is a call to the C
/// library's `roundf` for each sample (a tenth of the limiter's
/// instructions). The cast truncates towards zero; what it cut off is
/// exact (an `f32` less its whole part), and a half or more of it rounds
/// away from zero. A `NaN` casts to 0, as before.
#[inline]
fn to_sample(x: f32) -> i16 {
    let whole = x as i32;
    let cut = x - whole as f32;
    let rounded = if cut >= 0.5 {
        whole.saturating_add(1)
    } else if cut <= -0.5 {
        whole.saturating_sub(1)
    } else {
        whole
    };
    rounded.clamp(-32768, 32767) as i16
}

fn finish(samples: Vec<i16>, rate: u32) -> Mastered {
    let pcm = Pcm {
        samples,
        sample_rate: rate,
    };
    let (loudness_lufs, true_peak_dbtp) =
        measure_i16(&pcm).unwrap_or((f64::NEG_INFINITY, f64::NEG_INFINITY));
    Mastered {
        pcm,
        marks: Vec::new(),
        loudness_lufs,
        true_peak_dbtp,
    }
}

/// The range from the first sample that is not silence to just after the
/// last (empty for silence).
fn trimmed(samples: &[i16]) -> (usize, usize) {
    let loud = |s: &i16| s.unsigned_abs() > SILENCE as u16;
    match (
        samples.iter().position(loud),
        samples.iter().rposition(loud),
    ) {
        (Some(first), Some(last)) => (first, last + 1),
        _ => (0, 0),
    }
}

fn db_to_amp(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Integrated loudness (LUFS) of the chapter before mastering, its silent
/// edges included; `None` for silence. The silence is handed to the meter a
/// block at a time rather than stored.
fn loudness_of(chapter: &Chapter, rate: u32) -> Option<f64> {
    let mut meter = Meter::new(rate)?;
    meter.add_silence(chapter.lead);
    meter.add(chapter.body);
    meter.add_silence(chapter.len - chapter.lead - chapter.body.len());
    meter.integrated()
}

/// Integrated loudness (LUFS) and true peak (dBTP) of finished samples.
/// The two readings are independent and each reads the whole chapter, so
/// they run side by side on the current rayon pool.
pub fn measure_i16(pcm: &Pcm) -> Option<(f64, f64)> {
    let (loudness, peak) = rayon::join(
        || {
            let mut meter = Meter::new(pcm.sample_rate)?;
            meter.add(&pcm.samples);
            meter.integrated()
        },
        || true_peak(&pcm.samples, pcm.sample_rate),
    );
    let (loudness, peak) = (loudness?, peak?);
    (peak > 0.0).then(|| (loudness, 20.0 * peak.log10()))
}

/// Samples either side of a loud sample that the true-peak meter sees: the
/// `ebur128` interpolator makes each sample's four outputs from it and the
/// eleven before it, so the outputs that a loud sample enters are the twelve
/// from it on, and they read back eleven samples before it.
const PEAK_WINDOW: usize = 12;

/// The true peak (BS.1770, 4x oversampling, by the `ebur128` meter) of the
/// loud moments only. An output of the interpolator is at most 1.864 times
/// the largest of the twelve samples it reads (its coefficients' largest sum
/// of sizes), so only an output that reads a sample within 6 dB of the
/// loudest can reach the loudest, which the true peak is at least. Each such
/// sample is metered with [`PEAK_WINDOW`] samples on either side of it (a
/// window reaches past the last loud sample in it, not the first), windows
/// apart are separated by as many zeros, and every other output, which reads
/// only quieter samples or those zeros, stays under the loudest sample: the
/// result is the whole chapter's, for a small part of the work.
fn true_peak(samples: &[i16], rate: u32) -> Option<f64> {
    let loudest = samples.iter().map(|s| s.unsigned_abs()).max()?;
    if loudest == 0 {
        return Some(0.0);
    }
    let threshold = loudest / 2;
    let mut windows: Vec<i16> = Vec::new();
    let mut end = 0usize;
    while let Some(i) = next_at_least(samples, end, threshold) {
        let start = i.saturating_sub(PEAK_WINDOW).max(end);
        let mut stop = (i + PEAK_WINDOW).min(samples.len());
        let mut last = i;
        // Only up to the window's end: past it, the next loud sample is the
        // outer loop's to find.
        while let Some(j) = next_at_least(&samples[..stop], last + 1, threshold) {
            stop = (j + PEAK_WINDOW).min(samples.len());
            last = j;
        }
        if start > end || end == 0 {
            windows.extend(std::iter::repeat_n(0, PEAK_WINDOW));
        }
        windows.extend_from_slice(&samples[start..stop]);
        end = stop;
    }
    windows.extend(std::iter::repeat_n(0, PEAK_WINDOW));
    let mut meter = EbuR128::new(1, rate, Mode::TRUE_PEAK).ok()?;
    meter.add_frames_i16(&windows).ok()?;
    meter.true_peak(0).ok()
}

/// The first sample from `from` on whose size is `threshold` or more. A
/// block at a time, each block's loudest found first (a loop the compiler
/// turns into vector instructions), since most blocks hold none.
fn next_at_least(samples: &[i16], from: usize, threshold: u16) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut at = from;
    while at < samples.len() {
        let block = &samples[at..(at + BLOCK).min(samples.len())];
        let loudest = block.iter().fold(0, |m, s| m.max(s.unsigned_abs()));
        if loudest >= threshold {
            return block
                .iter()
                .position(|s| s.unsigned_abs() >= threshold)
                .map(|k| at + k);
        }
        at += block.len();
    }
    None
}

/// The gain envelope that keeps every sample of `samples`, raised by
/// `gain_db`, under `ceiling` (a look-ahead limiter with 5 ms attack and
/// 50 ms release): `each` is told, in order, the factor each sample
/// is multiplied by on top of the gain. Where the raised signal would pass
/// the ceiling, the envelope dips smoothly around that moment, so loudness
/// stays near the target while no peak clips.
///
/// Each sample needs a factor of its own (1, or what brings it to the
/// ceiling). The envelope's target at a sample is the mean, over the
/// `attack` samples up to it, of the least need in the `attack` samples
/// from each: every one of those windows holds a peak that is near, so the
/// mean at the peak is no more than the peak's need, and the gain ramps
/// down over the `attack` samples before it. The least need in a window is
/// kept with a queue of rising needs, and the mean with a running sum in
/// fixed point (exact, so it never drifts), so each sample costs the same
/// however dense the peaks. The envelope falls to its target at once and
/// rises back at most a `release`th of full gain a sample.
///
/// The samples are taken to follow silence at least `attack` long (the
/// lead-in), which the ramp of a peak at the start reaches into.
///
/// A run of samples at full gain where the limiter is at rest is told as
/// one [`Step::AtRest`], in its place in the order.
fn limit(samples: &[i16], ceiling: f64, gain_db: f64, rate: u32, mut each: impl FnMut(Step)) {
    let gain = db_to_amp(gain_db) as f32;
    let ceiling = ceiling as f32;
    let attack = (rate as usize * 5 / 1000).max(1);
    let release = (rate as usize * 50 / 1000).max(1);
    let step = 1.0 / release as f32;
    // Anything quieter than this is passed over when the limiter is at rest.
    let loud = loud_level(gain, ceiling);
    // Index v is sample v - lead: `lead` samples of silence come first.
    let lead = attack - 1;
    let total = samples.len() + lead;
    let own = |v: usize| match v.checked_sub(lead) {
        Some(k) => need(samples[k], gain, ceiling),
        None => 1.0,
    };
    let at_rest = FULL as u64 * attack as u64;
    // (index, need) with needs rising from the front: the front is the
    // least in the window.
    let mut least = MinQueue::new(attack + 1);
    let mut recent = vec![FULL; attack];
    let mut slot = 0usize;
    let mut sum = at_rest;
    let mut ahead = 0usize;
    let mut env = 1.0f32;
    let mut v = 0usize;
    while v < total {
        // At rest (full gain, nothing in view but full needs): skip to
        // where the next peak comes into view.
        if env == 1.0 && sum == at_rest && least.front().is_none_or(|(_, m)| m == FULL) {
            let from = ahead.max(lead);
            let next = next_at_least(samples, from - lead, loud).map_or(total, |k| k + lead);
            let resume = (next + 1).saturating_sub(attack).max(v);
            let run = v.max(lead) - lead..resume.max(lead) - lead;
            if !run.is_empty() {
                each(Step::AtRest(run));
            }
            if resume > v {
                v = resume;
                ahead = ahead.max(v);
                least.clear();
            }
            if v >= total {
                break;
            }
        }
        let horizon = (v + attack - 1).min(total - 1);
        while ahead <= horizon {
            let n = fixed(own(ahead));
            while least.back().is_some_and(|(_, m)| m >= n) {
                least.pop_back();
            }
            least.push_back((ahead, n));
            ahead += 1;
        }
        while least.front().is_some_and(|(i, _)| i < v) {
            least.pop_front();
        }
        let low = least.front().map_or(FULL, |(_, m)| m);
        sum = sum - recent[slot] as u64 + low as u64;
        recent[slot] = low;
        slot = if slot + 1 == attack { 0 } else { slot + 1 };
        let target = mean(sum, attack);
        env = if target < env {
            target
        } else {
            (env + step).min(target)
        };
        if let Some(k) = v.checked_sub(lead) {
            each(Step::One(k, env));
        }
        v += 1;
    }
}

/// Sample `s` raised by `gain` and the limiter's factor `env`, rounded.
#[inline]
fn scaled(s: i16, gain: f32, env: f32) -> i16 {
    to_sample(s as f32 / 32768.0 * (gain * env) * 32768.0)
}

/// [`scaled`] at full gain (`env` 1) over a run, in a loop of its own that
/// the compiler vectorises. Most of a chapter's samples go through here.
#[inline(never)]
fn scaled_run(out: &mut [i16], body: &[i16], gain: f32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2.
        #[allow(unsafe_code)]
        unsafe {
            scaled_run_avx2(out, body, gain)
        };
        return;
    }
    scaled_run_plain(out, body, gain);
}

#[inline(always)]
fn scaled_run_plain(out: &mut [i16], body: &[i16], gain: f32) {
    for (o, &s) in out.iter_mut().zip(body) {
        *o = scaled(s, gain, 1.0);
    }
}

/// The same loop built for AVX2: for the x86-64 baseline the compiler
/// widened only the arithmetic and converted each sample to an integer on
/// its own (the cast saturates, and the baseline has no wide instruction
/// for that); with AVX2 the whole loop goes eight samples at a time. The
/// same operations in the same order, so the same samples
/// (`the_avx2_run_is_the_plain_runs`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn scaled_run_avx2(out: &mut [i16], body: &[i16], gain: f32) {
    scaled_run_plain(out, body, gain);
}

/// What [`limit`] tells of the samples, in order.
enum Step {
    /// Sample `k` is multiplied by this factor on top of the gain.
    One(usize, f32),
    /// These samples are at full gain (factor 1), the limiter at rest.
    AtRest(std::ops::Range<usize>),
}

/// The limiter's window of needs: `(index, need)` with needs rising from
/// the front, in a ring of fixed size (the window never holds more than an
/// attack and one), so a step of the limiter never allocates or grows.
struct MinQueue {
    ring: Vec<(usize, u32)>,
    head: usize,
    len: usize,
}

impl MinQueue {
    fn new(capacity: usize) -> MinQueue {
        MinQueue {
            ring: vec![(0, 0); capacity.max(1)],
            head: 0,
            len: 0,
        }
    }

    fn slot(&self, k: usize) -> usize {
        let at = self.head + k;
        if at >= self.ring.len() {
            at - self.ring.len()
        } else {
            at
        }
    }

    fn front(&self) -> Option<(usize, u32)> {
        (self.len > 0).then(|| self.ring[self.head])
    }

    fn back(&self) -> Option<(usize, u32)> {
        (self.len > 0).then(|| self.ring[self.slot(self.len - 1)])
    }

    fn pop_front(&mut self) {
        if self.len > 0 {
            self.head = self.slot(1);
            self.len -= 1;
        }
    }

    fn pop_back(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn push_back(&mut self, item: (usize, u32)) {
        assert!(
            self.len < self.ring.len(),
            "the limiter's window overflowed"
        );
        let at = self.slot(self.len);
        self.ring[at] = item;
        self.len += 1;
    }

    fn clear(&mut self) {
        self.len = 0;
    }
}

/// The quietest sample level (0 to 32,768) that needs less than full gain,
/// or 32,769 when none does. need() only falls as samples get louder, so
/// halving the range finds it exactly.
fn loud_level(gain: f32, ceiling: f32) -> u16 {
    let needs_less =
        |a: u32| need(if a == 32_768 { i16::MIN } else { a as i16 }, gain, ceiling) < 1.0;
    let (mut lo, mut hi) = (0u32, 32_769u32);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if needs_less(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    u16::try_from(lo).expect("at most 32,769")
}

/// The factor that brings sample `s`, raised by `gain`, to `ceiling`, or 1.
fn need(s: i16, gain: f32, ceiling: f32) -> f32 {
    let out = (s as f32 / 32768.0 * gain).abs();
    if out > ceiling { ceiling / out } else { 1.0 }
}

/// Full gain in the limiter's fixed point.
const FULL: u32 = 1 << 24;

/// A factor in 0..=1 in fixed point, rounded down (never more gain).
fn fixed(factor: f32) -> u32 {
    // Non-negative, so truncation is rounding down.
    (f64::from(factor) * f64::from(FULL)) as u32
}

/// The mean of `count` fixed-point factors summing to `sum`, rounded down.
fn mean(sum: u64, count: usize) -> f32 {
    let m = sum / count as u64;
    (m as f64 / f64::from(FULL)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_loud_sample_is_the_first_at_or_over_the_threshold() {
        let mut state = 0x2545_F491u32;
        let samples: Vec<i16> = (0..5_000)
            .map(|i| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                // Mostly quiet, with loud moments and runs of silence.
                match (i / 300) % 3 {
                    0 => 0,
                    1 => (state >> 16) as i16 / 64,
                    _ => (state >> 16) as i16,
                }
            })
            .collect();
        for threshold in [0u16, 1, 100, 512, 20_000, 32_768] {
            for from in [0, 1, 63, 64, 65, 299, 300, 2_000, 4_999, 5_000, 6_000] {
                let want = samples
                    .iter()
                    .enumerate()
                    .skip(from)
                    .find(|(_, s)| s.unsigned_abs() >= threshold)
                    .map(|(i, _)| i);
                assert_eq!(
                    next_at_least(&samples, from, threshold),
                    want,
                    "{threshold} {from}"
                );
            }
        }
    }

    /// The limiter's ring holds what a `VecDeque` would, through pushes,
    /// pops at both ends and clears that wrap it many times.
    #[test]
    fn min_queue_is_a_deque() {
        let mut ring = MinQueue::new(9);
        let mut deque = std::collections::VecDeque::new();
        let mut state = 0x2545_F491u32;
        for i in 0..20_000usize {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            match state >> 29 {
                0..=3 if deque.len() < 9 => {
                    ring.push_back((i, state));
                    deque.push_back((i, state));
                }
                4 | 5 => {
                    ring.pop_front();
                    deque.pop_front();
                }
                6 => {
                    ring.pop_back();
                    deque.pop_back();
                }
                7 if state & 0xFF == 0 => {
                    ring.clear();
                    deque.clear();
                }
                _ => {}
            }
            assert_eq!(ring.front(), deque.front().copied());
            assert_eq!(ring.back(), deque.back().copied());
        }
    }

    /// The integer energy is the `f64` sum the mastering used to take, up to
    /// the largest such sum that is exact (2^23 full-scale samples).
    #[test]
    fn the_energy_is_the_f64_sum_while_that_is_exact() {
        let sum = |x: &[i16]| x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
        let mut state = 7u32;
        let mut noise = |n: usize, amp: i32| -> Vec<i16> {
            (0..n)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    ((state >> 16) as i32 % (2 * amp + 1) - amp) as i16
                })
                .collect()
        };
        for (n, amp) in [
            (0, 1),
            (1, 32767),
            (1000, 100),
            (1_600_000, 3000),
            (300_000, 32767),
        ] {
            let x = noise(n, amp);
            // Equal as numbers (the empty sum in `f64` is -0).
            assert_eq!(energy(&x), sum(&x), "{n} samples up to {amp}");
        }
        let loudest = vec![i16::MIN; 1 << 23];
        assert_eq!(energy(&loudest), 2f64.powi(53));
        assert_eq!(energy(&loudest), sum(&loudest));
    }

    /// The AVX2 build of the full-gain loop gives the plain build's samples,
    /// over every 16-bit sample at gains from far under 1 to far over it
    /// (where most clip), and at gains that land samples on halves.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_run_is_the_plain_runs() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        // Every sample value, then some odd lengths so the loop's tail runs.
        let every: Vec<i16> = (i16::MIN..=i16::MAX).collect();
        let mut gains = vec![
            0.0f32, 1e-3, 0.5, 1.0, 1.0001, 1.5, 2.0, 3.981_072, 15.85, 1e3,
        ];
        // 1.5 / 32768 steps: x.5 lands exactly on sample values.
        gains.extend((1..40).map(|k| 1.0 + k as f32 / 65536.0));
        for gain in gains {
            for len in [every.len(), 1, 7, 8, 9, 31, 33] {
                let body = &every[every.len() - len..];
                let mut plain = vec![0i16; len];
                scaled_run_plain(&mut plain, body, gain);
                let mut wide = vec![1i16; len];
                // SAFETY: the processor has AVX2.
                #[allow(unsafe_code)]
                unsafe {
                    scaled_run_avx2(&mut wide, body, gain)
                };
                assert_eq!(plain, wide, "gain {gain}, {len} samples");
            }
        }
    }

    #[test]
    fn to_sample_rounds_as_round_does() {
        let mut xs: Vec<f32> = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999997,
            -0.49999997,
            32766.5,
            32767.49,
            32767.5,
            -32768.49,
            -32768.5,
            1e9,
            -1e9,
            3e38,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            8388607.5,
            16777216.0,
        ];
        // Every float around the halves of the first few hundred whole
        // numbers, and a sweep of the sample range.
        for n in 0..300 {
            let half = n as f32 + 0.5;
            for x in [half, half.next_down(), half.next_up()] {
                xs.extend([x, -x]);
            }
        }
        xs.extend((-400_000..400_000).map(|i| i as f32 * 0.1234567));
        for x in xs {
            let want = x.round().clamp(-32768.0, 32767.0) as i16;
            assert_eq!(to_sample(x), want, "{x:?}");
        }
    }

    fn tone(rate: u32, seconds: f64, amp: f64, silence_s: f64) -> Pcm {
        let pad = (rate as f64 * silence_s) as usize;
        let n = (rate as f64 * seconds) as usize;
        let mut samples = vec![0i16; pad];
        samples.extend((0..n).map(|i| {
            let t = i as f64 / rate as f64;
            ((2.0 * std::f64::consts::PI * 440.0 * t).sin() * amp * 32767.0) as i16
        }));
        samples.extend(vec![0i16; pad * 2]);
        Pcm {
            samples,
            sample_rate: rate,
        }
    }

    #[test]
    fn quiet_and_loud_chapters_end_at_the_same_loudness_with_fixed_edges() {
        for amp in [0.02, 0.2, 0.9] {
            let m = master(&tone(16_000, 3.0, amp, 1.3), &[]);
            assert!(
                (m.loudness_lufs - TARGET_LUFS).abs() < 0.5,
                "{amp}: {}",
                m.loudness_lufs
            );
            assert!(
                m.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP + 0.05,
                "{amp}: {}",
                m.true_peak_dbtp
            );
            // 0.5 s lead-in + 3 s of sound + 1 s tail, whatever the silence
            // was, in whole MP3 frames.
            let secs = m.pcm.duration_s();
            assert!((secs - 4.5).abs() < 0.04, "{secs}");
            assert_eq!(m.pcm.samples.len() % 576, 0);
            assert!(m.pcm.samples[..7_900].iter().all(|&s| s == 0));
            assert!(
                m.pcm.samples[m.pcm.samples.len() - 15_900..]
                    .iter()
                    .all(|&s| s == 0)
            );
        }
    }

    #[test]
    fn peaky_audio_is_limited_under_the_ceiling() {
        // A quiet tone with loud clicks: normalising alone would clip them.
        let mut pcm = tone(16_000, 4.0, 0.02, 0.0);
        for k in 1..8 {
            pcm.samples[k * 7_000] = 30_000;
            pcm.samples[k * 7_000 + 1] = -30_000;
        }
        let m = master(&pcm, &[]);
        assert!(
            m.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP + 0.05,
            "{}",
            m.true_peak_dbtp
        );
        assert!(
            (m.loudness_lufs - TARGET_LUFS).abs() < 1.0,
            "{}",
            m.loudness_lufs
        );
    }

    /// The limiter written the plain way, over a whole buffer (each window
    /// searched, each mean summed afresh): the streaming one must give the
    /// same samples, bit for bit.
    fn limit_whole(samples: &mut [f32], ceiling: f64, gain_db: f64, rate: u32) {
        let gain = db_to_amp(gain_db) as f32;
        let ceiling = ceiling as f32;
        let attack = (rate as usize * 5 / 1000).max(1);
        let release = (rate as usize * 50 / 1000).max(1);
        let needs: Vec<u32> = samples
            .iter()
            .map(|&s| {
                let out = (s * gain).abs();
                fixed(if out > ceiling { ceiling / out } else { 1.0 })
            })
            .collect();
        let least: Vec<u32> = (0..needs.len())
            .map(|k| {
                *needs[k..(k + attack).min(needs.len())]
                    .iter()
                    .min()
                    .unwrap()
            })
            .collect();
        let mut env = 1.0f32;
        let step = 1.0 / release as f32;
        for (j, s) in samples.iter_mut().enumerate() {
            let sum: u64 = (j as isize + 1 - attack as isize..=j as isize)
                .map(|k| if k < 0 { FULL } else { least[k as usize] } as u64)
                .sum();
            let target = mean(sum, attack);
            env = if target < env {
                target
            } else {
                (env + step).min(target)
            };
            *s *= gain * env;
        }
    }

    #[test]
    fn the_loud_level_is_the_first_that_needs_less_than_full_gain() {
        for (ceiling_db, gain_db) in [(-2.9, 11.0), (-2.9, 0.0), (0.0, 0.0), (-6.0, -3.0)] {
            let (gain, ceiling) = (db_to_amp(gain_db) as f32, db_to_amp(ceiling_db) as f32);
            let first = (0..=32_768u32)
                .find(|&a| need(if a == 32_768 { i16::MIN } else { a as i16 }, gain, ceiling) < 1.0)
                .unwrap_or(32_769);
            assert_eq!(
                u32::from(loud_level(gain, ceiling)),
                first,
                "{ceiling_db} dB, {gain_db} dB"
            );
        }
    }

    #[test]
    fn no_sample_passes_the_ceiling() {
        let mut pcm = tone(16_000, 2.0, 0.5, 0.0);
        for k in 0..40 {
            pcm.samples[k * 700 + 3] = if k % 2 == 0 { 32_767 } else { -32_768 };
        }
        let chapter = Chapter::new(
            8_000,
            &pcm.samples,
            8_000 + pcm.samples.len() + 16_000,
            16_000,
        );
        for (ceiling_db, gain_db) in [(-2.9, 6.0), (-6.0, 12.0), (-2.9, 0.0)] {
            let ceiling = db_to_amp(ceiling_db) * 32768.0;
            let out = chapter.limited(db_to_amp(ceiling_db), gain_db, 16_000);
            let loudest = out.iter().map(|s| s.unsigned_abs()).max().unwrap();
            assert!(f64::from(loudest) <= ceiling + 1.0, "{loudest} > {ceiling}");
        }
    }

    /// The reference for [`Chapter::limited`]: the whole padded chapter
    /// through [`limit_whole`], as samples.
    fn limited_whole(chapter: &Chapter, ceiling: f64, gain_db: f64, rate: u32) -> Vec<i16> {
        let mut whole = padded(chapter);
        limit_whole(&mut whole, ceiling, gain_db, rate);
        whole
            .iter()
            .map(|s| (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
            .collect()
    }

    /// The padded chapter as one buffer of floats, as the limiter first saw it.
    fn padded(chapter: &Chapter) -> Vec<f32> {
        let mut whole = vec![0f32; chapter.len];
        for (k, &s) in chapter.body.iter().enumerate() {
            whole[chapter.lead + k] = s as f32 / 32768.0;
        }
        whole
    }

    #[test]
    fn the_streaming_limiter_gives_the_whole_buffer_limiters_samples() {
        let mut pcm = tone(16_000, 2.0, 0.3, 0.0);
        for k in 1..12 {
            pcm.samples[k * 2_500] = 30_000;
            pcm.samples[k * 2_500 + 3] = -29_000;
            pcm.samples[k * 2_500 + 40] = 25_000;
        }
        // Peaks in the first attack's worth of samples: the ramp starts in
        // the lead-in, which the streaming limiter does not see.
        pcm.samples[10] = 31_000;
        pcm.samples[60] = -31_000;
        let chapter = Chapter::new(
            8_000,
            &pcm.samples,
            8_000 + pcm.samples.len() + 16_000,
            16_000,
        );
        for (ceiling_db, gain_db) in [(-2.9, 3.0), (-6.0, 10.0), (-1.0, -3.0), (-2.9, 14.0)] {
            let whole = limited_whole(&chapter, db_to_amp(ceiling_db), gain_db, 16_000);
            let streamed = chapter.limited(db_to_amp(ceiling_db), gain_db, 16_000);
            assert_eq!(
                whole, streamed,
                "ceiling {ceiling_db} dB, gain {gain_db} dB"
            );
        }
    }

    #[test]
    fn a_body_limited_in_pieces_is_the_whole_buffer_limiters() {
        // Bursts that end on a peak and start quiet, where a limiter not
        // yet back at rest would still be holding the gain down, with
        // pauses from well under to just over the silence a cut needs: a
        // cut must be made only where the pieces come out exactly as the
        // whole.
        let rate = 16_000u32;
        let attack = rate as usize / 200;
        let release = rate as usize / 20;
        let needed = 2 * attack + release + 8 + attack + 1;
        let piece = rate as usize / 4;
        let mut cut = 0;
        for pause in (needed - 400..needed + 30).step_by(25) {
            let mut body: Vec<i16> = Vec::new();
            for b in 0..4usize {
                let burst = tone(rate, 0.3 + b as f64 * 0.05, 0.4, 0.0).samples;
                let start = body.len();
                body.extend(&burst);
                body[start..start + 400].fill(1_000);
                for k in (500..burst.len()).step_by(1_100) {
                    body[start + k] = if k % 2 == 0 { 32_000 } else { -31_000 };
                }
                *body.last_mut().unwrap() = 30_000;
                body.resize(body.len() + pause, 0);
            }
            let pieces = pieces_of(&body, rate, piece);
            assert_eq!(pieces.first().map(|p| p.0), Some(0));
            assert_eq!(pieces.last().map(|p| p.1), Some(body.len()));
            assert!(pieces.windows(2).all(|w| w[0].1 == w[1].0));
            assert_eq!(
                pieces.len() > 1,
                pause >= needed,
                "pause {pause}: {pieces:?}"
            );
            cut += pieces.len() - 1;
            // Pieces shorter than a build's, so that these few seconds are cut.
            let chapter = Chapter {
                lead: attack,
                body: &body,
                len: attack + body.len(),
                pieces,
            };
            for gain_db in [3.0, 14.0] {
                let ceiling = db_to_amp(-2.9);
                let whole = limited_whole(&chapter, ceiling, gain_db, rate);
                let pieced = chapter.limited(ceiling, gain_db, rate);
                assert_eq!(whole, pieced, "pause {pause}, gain {gain_db} dB");
            }
        }
        assert!(cut >= 4, "{cut} cuts");
    }

    #[test]
    fn loudness_measured_a_block_at_a_time_is_the_whole_chapters() {
        let pcm = tone(16_000, 3.3, 0.2, 0.1);
        let chapter = Chapter::new(
            8_000,
            &pcm.samples,
            8_000 + pcm.samples.len() + 16_001,
            16_000,
        );
        let whole: Vec<i16> = padded(&chapter)
            .iter()
            .map(|s| (s * 32768.0) as i16)
            .collect();
        let mut meter = EbuR128::new(1, 16_000, Mode::I).unwrap();
        meter.add_frames_i16(&whole).unwrap();
        let expected = meter.loudness_global().unwrap();
        let got = loudness_of(&chapter, 16_000).unwrap();
        assert!((expected - got).abs() < 1e-3, "{expected} vs {got}");
    }

    #[test]
    fn the_gain_is_aimed_past_what_the_limiter_takes() {
        // Speech-like peaks: most of the time quiet, with loud bursts that
        // the limiter must hold down. One full pass should land on target.
        let rate = 16_000u32;
        let samples: Vec<i16> = (0..rate as usize * 8)
            .map(|i| {
                let t = i as f64 / rate as f64;
                let burst = if (t * 5.0).fract() < 0.03 { 1.0 } else { 0.05 };
                ((2.0 * std::f64::consts::PI * 180.0 * t).sin() * burst * 30_000.0) as i16
            })
            .collect();
        let chapter = Chapter::new(8_000, &samples, 8_000 + samples.len() + 16_000, rate);
        let loudness = loudness_of(&chapter, rate).unwrap();
        let ceiling = db_to_amp(PEAK_AIM_DBTP - 1.0);
        let gain_db = aim(&chapter, loudness, ceiling, rate);
        assert!(
            gain_db > TARGET_LUFS - loudness + 0.2,
            "the limiter takes some"
        );
        let done = finish(chapter.limited(ceiling, gain_db, rate), rate);
        assert!(
            (done.loudness_lufs - TARGET_LUFS).abs() <= 0.3,
            "{}",
            done.loudness_lufs
        );
    }

    #[test]
    fn the_windowed_true_peak_is_the_whole_chapters() {
        // Speech-like: tones with varying loudness and sharp onsets.
        let rate = 16_000;
        let samples: Vec<i16> = (0..rate * 6)
            .map(|i| {
                let t = i as f64 / rate as f64;
                let env = (t * 3.1).sin().abs() * if (t * 7.0).fract() < 0.1 { 1.0 } else { 0.4 };
                let v = (2.0 * std::f64::consts::PI * 3_700.0 * t).sin() * 0.6
                    + (2.0 * std::f64::consts::PI * 913.0 * t).sin() * 0.35;
                (v * env * 32_000.0) as i16
            })
            .collect();
        let mut whole = EbuR128::new(1, rate as u32, Mode::TRUE_PEAK).unwrap();
        whole.add_frames_i16(&samples).unwrap();
        let full = whole.true_peak(0).unwrap();
        let windowed = true_peak(&samples, rate as u32).unwrap();
        assert!((full - windowed).abs() < 1e-9, "{full} vs {windowed}");
    }

    /// Two loud samples close together, the second near the end of the
    /// first one's window, then a run just under the loud level that swings
    /// hard: the second's overshoot is only right if the window reaches past
    /// it by the interpolator's length, not past the first.
    #[test]
    fn the_windowed_true_peak_reaches_past_the_last_loud_sample() {
        let rate = 16_000u32;
        // First a loud sample at the very end, its window cut short.
        let mut short = vec![0i16; 20];
        short[19] = 30_000;
        short[17] = -14_000;
        let mut whole = EbuR128::new(1, rate, Mode::TRUE_PEAK).unwrap();
        whole.add_frames_i16(&short).unwrap();
        assert_eq!(
            whole.true_peak(0).unwrap(),
            true_peak(&short, rate).unwrap()
        );
        for gap in [1usize, 5, 11, 12, 13, 20, 29, 30, 31, 40] {
            let mut samples = vec![0i16; 4_000];
            samples[1_000] = 30_000;
            samples[1_000 + gap] = 30_000;
            for k in 1..16 {
                samples[1_000 + gap + k] = if k % 2 == 1 { -14_900 } else { 14_900 };
            }
            let mut whole = EbuR128::new(1, rate, Mode::TRUE_PEAK).unwrap();
            whole.add_frames_i16(&samples).unwrap();
            let full = whole.true_peak(0).unwrap();
            let windowed = true_peak(&samples, rate).unwrap();
            assert!(
                (full - windowed).abs() < 1e-9,
                "gap {gap}: {full} vs {windowed}"
            );
        }
    }

    #[test]
    fn silence_stays_silent() {
        let m = master(
            &Pcm {
                samples: vec![0; 16_000],
                sample_rate: 16_000,
            },
            &[],
        );
        assert!(m.pcm.samples.iter().all(|&s| s == 0));
        // Lead-in and tail, to the end of the frame (576 samples).
        assert_eq!(m.pcm.samples.len(), 24_192);
    }

    #[test]
    fn marks_follow_the_trimmed_and_padded_sound() {
        // 0.25 s of silence, a 1 s tone, 0.5 s pause, a 1 s tone, 0.25 s silence.
        let rate = 16_000u32;
        let tone = |n: usize| (0..n).map(|i| if i % 32 < 16 { 8000 } else { -8000 });
        let mut samples = vec![0i16; 4_000];
        samples.extend(tone(16_000));
        samples.extend(std::iter::repeat_n(0, 8_000));
        samples.extend(tone(16_000));
        samples.extend(std::iter::repeat_n(0, 4_000));
        let marks = [
            Span {
                start: 0,
                end: 20_000,
            },
            Span {
                start: 28_000,
                end: 48_000,
            },
        ];
        let m = master(
            &Pcm {
                samples,
                sample_rate: rate,
            },
            &marks,
        );
        // The lead-in is 500 ms (8,000 samples); the first tone starts there.
        assert_eq!(
            m.marks[0],
            Span {
                start: 8_000,
                end: 24_000
            }
        );
        assert_eq!(
            m.marks[1],
            Span {
                start: 32_000,
                end: 48_000
            }
        );
        let body = &m.pcm.samples[m.marks[1].start as usize..m.marks[1].end as usize];
        assert!(
            body.iter().all(|s| s.unsigned_abs() > 200),
            "the tone, whole"
        );
        assert_eq!(
            m.pcm.samples.len(),
            64_512,
            "then the 1 s tail, to the end of its frame (576 samples)"
        );
    }

    #[test]
    fn marks_are_drawn_in_to_the_speech_inside_them() {
        // A voice's own quiet around each utterance: 0.2 s before and
        // 0.1 s after a 1 s tone, twice, with a 0.3 s pause between.
        let rate = 16_000u32;
        let tone = |n: usize| (0..n).map(|i| if i % 32 < 16 { 8000 } else { -8000 });
        let mut samples = Vec::new();
        let mut marks = Vec::new();
        for _ in 0..2 {
            let start = samples.len() as u64;
            samples.extend(std::iter::repeat_n(0, 3_200));
            samples.extend(tone(16_000));
            samples.extend(std::iter::repeat_n(0, 1_600));
            marks.push(Span {
                start,
                end: samples.len() as u64,
            });
            samples.extend(std::iter::repeat_n(0, 4_800));
        }
        let m = master(
            &Pcm {
                samples,
                sample_rate: rate,
            },
            &marks,
        );
        // The lead-in puts the first tone at 8,000; the second comes 1,600
        // + 4,800 + 3,200 samples after the first ends.
        let second = 8_000 + 16_000 + 9_600;
        for (mark, start) in m.marks.iter().zip([8_000u64, second]) {
            assert!(
                mark.start.abs_diff(start) <= 80,
                "{mark:?} starts at {start}"
            );
            assert!(
                mark.end.abs_diff(start + 16_000) <= 80,
                "{mark:?} ends at {}",
                start + 16_000
            );
        }
    }
}
