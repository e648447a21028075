//! Mastering: every chapter starts and ends the same way and sounds equally
//! loud. Silence at the edges is trimmed and replaced with a fixed lead-in and
//! tail; the chapter is brought to -18 LUFS integrated (EBU R128) with its true
//! peak at most -1.5 dBTP.

use ebur128::{EbuR128, Mode};

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
    let chapter = Padded { lead, body, len };

    let Some(loudness) = loudness_only(&chapter, rate) else {
        return finish(chapter.iter(), len, rate);
    };
    // Limit sample peaks with a margin below the true-peak ceiling, since
    // peaks between samples run higher; one full measurement then confirms
    // both targets, and only a miss (rare) costs another pass.
    let mut gain_db = TARGET_LUFS - loudness;
    let mut ceiling_db = PEAK_AIM_DBTP - 1.0;
    let mut best: Option<Mastered> = None;
    for _ in 0..6 {
        let limited = Limited::new(&chapter, db_to_amp(ceiling_db), gain_db, rate);
        let done = finish(limited, len, rate);
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

/// The chapter as mastering sees it: the lead-in's silence, the trimmed
/// body as floats, then silence up to `len`. Worked out a sample at a time
/// rather than stored: a long chapter as floats is twice its 16-bit
/// samples, and each pass would copy it again.
struct Padded<'a> {
    lead: usize,
    body: &'a [i16],
    len: usize,
}

impl Padded<'_> {
    fn at(&self, i: usize) -> f32 {
        match i.checked_sub(self.lead).and_then(|k| self.body.get(k)) {
            Some(&s) => s as f32 / 32768.0,
            None => 0.0,
        }
    }

    fn iter(&self) -> impl Iterator<Item = f32> + '_ {
        (0..self.len).map(|i| self.at(i))
    }
}

/// Samples handed to the loudness meter at a time.
const METER_BLOCK: usize = 4096;

fn finish(samples: impl Iterator<Item = f32>, len: usize, rate: u32) -> Mastered {
    let mut out: Vec<i16> = Vec::with_capacity(len);
    out.extend(samples.map(|s| (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16));
    let pcm = Pcm {
        samples: out,
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

/// Integrated loudness (LUFS); `None` for silence.
/// The meter keeps its filters' state between calls, so feeding it a block
/// at a time measures what feeding it the whole chapter would.
fn loudness_only(chapter: &Padded, rate: u32) -> Option<f64> {
    let mut meter = EbuR128::new(1, rate, Mode::I).ok()?;
    let mut block = Vec::with_capacity(METER_BLOCK);
    for start in (0..chapter.len).step_by(METER_BLOCK) {
        block.clear();
        block.extend((start..(start + METER_BLOCK).min(chapter.len)).map(|i| chapter.at(i)));
        meter.add_frames_f32(&block).ok()?;
    }
    let loudness = meter.loudness_global().ok()?;
    loudness.is_finite().then_some(loudness)
}

/// Integrated loudness (LUFS) and true peak (dBTP) of finished samples.
pub fn measure_i16(pcm: &Pcm) -> Option<(f64, f64)> {
    let mut meter = EbuR128::new(1, pcm.sample_rate, Mode::I).ok()?;
    meter.add_frames_i16(&pcm.samples).ok()?;
    let loudness = meter.loudness_global().ok()?;
    let peak = true_peak(&pcm.samples, pcm.sample_rate)?;
    (loudness.is_finite() && peak > 0.0).then(|| (loudness, 20.0 * peak.log10()))
}

/// Samples either side of a loud sample that the true-peak meter sees: its
/// interpolation filter reaches a few samples, so this is ample.
const PEAK_WINDOW: usize = 32;

/// The true peak (BS.1770, 4x oversampling, by the `ebur128` meter) of the
/// loud moments only: the peak between samples can only pass the ceiling
/// near samples within 6 dB of the loudest, and metering just those windows,
/// separated by silence, costs a small part of metering the whole chapter.
fn true_peak(samples: &[i16], rate: u32) -> Option<f64> {
    let loudest = samples.iter().map(|s| s.unsigned_abs()).max()?;
    if loudest == 0 {
        return Some(0.0);
    }
    let threshold = loudest / 2;
    let mut windows: Vec<i16> = Vec::new();
    let mut end = 0usize;
    for (i, s) in samples.iter().enumerate() {
        if s.unsigned_abs() < threshold || i < end {
            continue;
        }
        let start = i.saturating_sub(PEAK_WINDOW).max(end);
        let stop = (i + PEAK_WINDOW).min(samples.len());
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

/// Apply `gain_db` and keep every sample peak under `ceiling`: where the gained
/// signal would pass it, the gain is lowered smoothly around that moment (a
/// look-ahead limiter with 5 ms attack and 50 ms release), so loudness stays
/// near the target while no peak clips.
///
/// The gain a sample needs on its own ramps in over the `attack` samples
/// before it; so a sample's gain is the least of its own and of the ramps of
/// the peaks (samples that need less than full gain) within `attack` after
/// it. Those peaks are kept in a queue as the look-ahead passes them, so the
/// limiter holds `attack` samples' worth, not a gain per sample of the
/// chapter.
struct Limited<'a> {
    chapter: &'a Padded<'a>,
    gain: f32,
    ceiling: f32,
    attack: usize,
    step: f32,
    env: f32,
    /// The next sample to give.
    at: usize,
    /// The next sample the look-ahead reads.
    ahead: usize,
    /// Peaks between `at` (exclusive) and `ahead`: where, and the gain each needs.
    peaks: std::collections::VecDeque<(usize, f32)>,
}

impl<'a> Limited<'a> {
    fn new(chapter: &'a Padded<'a>, ceiling: f64, gain_db: f64, rate: u32) -> Limited<'a> {
        let release = (rate as usize * 50 / 1000).max(1);
        Limited {
            chapter,
            gain: db_to_amp(gain_db) as f32,
            ceiling: ceiling as f32,
            attack: (rate as usize * 5 / 1000).max(1),
            step: 1.0 / release as f32,
            env: 1.0,
            at: 0,
            ahead: 0,
            peaks: std::collections::VecDeque::new(),
        }
    }

    /// The gain sample `i` needs on its own.
    fn own(&self, i: usize) -> f32 {
        let out = (self.chapter.at(i) * self.gain).abs();
        if out > self.ceiling {
            self.ceiling / out
        } else {
            1.0
        }
    }
}

impl Iterator for Limited<'_> {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        let j = self.at;
        if j >= self.chapter.len {
            return None;
        }
        let horizon = (j + self.attack).min(self.chapter.len - 1);
        while self.ahead <= horizon {
            let need = self.own(self.ahead);
            if need < 1.0 {
                self.peaks.push_back((self.ahead, need));
            }
            self.ahead += 1;
        }
        while self.peaks.front().is_some_and(|&(i, _)| i <= j) {
            self.peaks.pop_front();
        }
        let mut target = self.own(j);
        for &(i, reach) in &self.peaks {
            let t = (i - j) as f32 / self.attack as f32;
            target = target.min(reach + (1.0 - reach) * t);
        }
        self.env = if target < self.env {
            target
        } else {
            (self.env + self.step).min(target)
        };
        self.at += 1;
        let mut s = self.chapter.at(j);
        s *= self.gain * self.env;
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The limiter as it was first written, over a whole buffer: the
    /// streaming one must give the same samples, bit for bit.
    fn limit_whole(samples: &mut [f32], ceiling: f64, gain_db: f64, rate: u32) {
        let gain = db_to_amp(gain_db) as f32;
        let ceiling = ceiling as f32;
        let attack = (rate as usize * 5 / 1000).max(1);
        let release = (rate as usize * 50 / 1000).max(1);
        let mut need: Vec<f32> = samples
            .iter()
            .map(|&s| {
                let out = (s * gain).abs();
                if out > ceiling { ceiling / out } else { 1.0 }
            })
            .collect();
        let peaks: Vec<(usize, f32)> = need
            .iter()
            .enumerate()
            .filter(|(_, g)| **g < 1.0)
            .map(|(i, g)| (i, *g))
            .collect();
        for (i, reach) in peaks {
            let start = i.saturating_sub(attack);
            for (k, slot) in need[start..i].iter_mut().enumerate() {
                let t = (i - (start + k)) as f32 / attack as f32;
                *slot = slot.min(reach + (1.0 - reach) * t);
            }
        }
        let mut env = 1.0f32;
        let step = 1.0 / release as f32;
        for (s, target) in samples.iter_mut().zip(need) {
            env = if target < env {
                target
            } else {
                (env + step).min(target)
            };
            *s *= gain * env;
        }
    }

    #[test]
    fn the_streaming_limiter_gives_the_whole_buffer_limiters_samples() {
        let mut pcm = tone(16_000, 2.0, 0.3, 0.0);
        for k in 1..12 {
            pcm.samples[k * 2_500] = 30_000;
            pcm.samples[k * 2_500 + 3] = -29_000;
            pcm.samples[k * 2_500 + 40] = 25_000;
        }
        let chapter = Padded {
            lead: 8_000,
            body: &pcm.samples,
            len: 8_000 + pcm.samples.len() + 16_000,
        };
        for (ceiling_db, gain_db) in [(-2.9, 3.0), (-6.0, 10.0), (-1.0, -3.0)] {
            let mut whole: Vec<f32> = chapter.iter().collect();
            limit_whole(&mut whole, db_to_amp(ceiling_db), gain_db, 16_000);
            let streamed: Vec<f32> =
                Limited::new(&chapter, db_to_amp(ceiling_db), gain_db, 16_000).collect();
            assert_eq!(whole.len(), streamed.len());
            let same = whole
                .iter()
                .zip(&streamed)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "ceiling {ceiling_db} dB, gain {gain_db} dB");
        }
    }

    #[test]
    fn loudness_measured_a_block_at_a_time_is_the_whole_chapters() {
        let pcm = tone(16_000, 3.3, 0.2, 0.1);
        let chapter = Padded {
            lead: 8_000,
            body: &pcm.samples,
            len: 8_000 + pcm.samples.len() + 16_001,
        };
        let whole: Vec<f32> = chapter.iter().collect();
        let mut meter = EbuR128::new(1, 16_000, Mode::I).unwrap();
        meter.add_frames_f32(&whole).unwrap();
        let expected = meter.loudness_global().unwrap();
        let got = loudness_only(&chapter, 16_000).unwrap();
        assert_eq!(expected.to_bits(), got.to_bits());
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
