//! The `heart` voice of hibari-tts 0.2.1: its ONNX network predicts, for
//! each 12.5 ms frame, a spectrum in five parts, and this module turns them
//! into a waveform the way the package's `dsp.py` does:
//!
//! ```text
//! S = exp(lh) e^{i pi tanh(th)} STFT(pulses(f0)) + exp(ln) Z + exp(lr) e^{i phi}
//! ```
//!
//! a band-limited pulse train at the predicted pitch, filtered by the
//! harmonic branch, plus shaped Gaussian noise, plus a free-phase branch,
//! then one inverse STFT (n_fft 1200, hop 300, periodic Hann, 24 kHz).
//!
//! Everything but the noise follows the Python closely (float32 throughout,
//! the pulse phase accumulated in float64 as numpy does); the noise comes
//! from a seeded ChaCha8 generator, so one seed always gives the same samples.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::error::{Error, Result};
use crate::synth::onnx::{SessionPool, failed};

/// Samples per second of the voice.
pub const SAMPLE_RATE: u32 = 24_000;
/// STFT size.
const N_FFT: usize = 1200;
/// Samples per frame (12.5 ms).
const HOP: usize = 300;
/// Frequency bins of one frame: the network's output height.
pub const BINS: usize = N_FFT / 2 + 1;
/// Window length in hops: each output sample is covered by this many frames.
const OVERLAP: usize = N_FFT / HOP;
/// Frames whose interpolated F0 is below this (Hz) are unvoiced: no pulses.
const VOICED_HZ: f32 = 40.0;
/// Highest harmonic frequency in the pulse train (Hz).
const PULSE_FMAX: f32 = 11_000.0;
/// The branch log-magnitudes are clamped here before `exp`.
const LOG_MAX: f32 = 7.0;

/// Window, interpolation weights and FFT plans, made once per process.
struct Tables {
    /// Periodic Hann window.
    win: Vec<f32>,
    /// The window for the pulse train's analysis, scaled so that a unit
    /// cosine comes out of the STFT with magnitude 1.
    win_src: Vec<f32>,
    /// Interpolation weights of sample `j` of a frame: `u[j]` for the later
    /// frame, `v[j]` for the earlier one.
    u: Vec<f32>,
    v: Vec<f32>,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let win: Vec<f32> = (0..N_FFT)
            .map(|n| {
                let x = 2.0 * std::f64::consts::PI * n as f64 / N_FFT as f64;
                (0.5 - 0.5 * x.cos()) as f32
            })
            .collect();
        let win_src = win.iter().map(|w| w / (N_FFT / 4) as f32).collect();
        // Sample j of frame k lies at k + (j + 0.5) / hop - 0.5 frames
        // (linear interpolation with align_corners=False).
        let u: Vec<f32> = (0..HOP)
            .map(|j| (((j as f64 + 0.5) / HOP as f64 - 0.5).rem_euclid(1.0)) as f32)
            .collect();
        let v = u.iter().map(|u| 1.0 - u).collect();
        let mut planner = RealFftPlanner::<f32>::new();
        Tables {
            win,
            win_src,
            u,
            v,
            forward: planner.plan_fft_forward(N_FFT),
            inverse: planner.plan_fft_inverse(N_FFT),
        }
    })
}

/// `exp` of a log-magnitude, clamped as the Python does.
#[inline(always)]
fn ex(x: f32) -> f32 {
    fast::exp(x.min(LOG_MAX))
}

/// Branch-free float32 `exp`, `tanh` and `sincos` (Cephes' polynomials,
/// within a few ulp), written so that the per-bin loops vectorize: the
/// platform's scalar `expm1f` and `sincosf` took most of the vocoder's time.
mod fast {
    /// Adding and subtracting this rounds an f32 below 2^22 to an integer.
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23

    #[inline(always)]
    pub fn exp(x: f32) -> f32 {
        const LN2_HI: f32 = 0.693_359_4;
        const LN2_LO: f32 = -2.121_944_4e-4;
        let xc = x.clamp(-87.0, 88.0);
        let k = (xc * std::f32::consts::LOG2_E + ROUND) - ROUND;
        let r = (xc - k * LN2_HI) - k * LN2_LO;
        let p = 1.987_569_1e-4;
        let p = p * r + 1.398_199_9e-3;
        let p = p * r + 8.333_452e-3;
        let p = p * r + 4.166_579_6e-2;
        let p = p * r + 1.666_666_5e-1;
        let p = p * r + 0.5;
        let e = p * r * r + r + 1.0;
        let scale = f32::from_bits(((k as i32 + 127) as u32) << 23);
        // Below the clamp the true value is (nearly) zero, as numpy gives.
        if x < -87.0 { 0.0 } else { e * scale }
    }

    /// Good to ~1e-7 absolute (what a phase angle needs), not relative
    /// near zero.
    #[inline(always)]
    pub fn tanh(x: f32) -> f32 {
        let x = x.clamp(-10.0, 10.0);
        1.0 - 2.0 / (exp(2.0 * x) + 1.0)
    }

    /// `(sin x, cos x)`, accurate for |x| up to a few thousand.
    #[inline(always)]
    pub fn sin_cos(x: f32) -> (f32, f32) {
        // pi/2 in three parts, for an exact reduction.
        const P1: f32 = 1.570_312_5;
        const P2: f32 = 4.837_513e-4;
        const P3: f32 = 7.549_79e-8;
        let shifted = x * std::f32::consts::FRAC_2_PI + ROUND;
        let quadrant = shifted.to_bits() & 3;
        let q = shifted - ROUND;
        let r = ((x - q * P1) - q * P2) - q * P3;
        let z = r * r;
        let s = ((-1.951_529_6e-4 * z + 8.332_161e-3) * z - 1.666_665_5e-1) * z * r + r;
        let c =
            ((2.443_315_7e-5 * z - 1.388_731_6e-3) * z + 4.166_664_6e-2) * z * z - 0.5 * z + 1.0;
        let (s, c) = if quadrant & 1 == 0 { (s, c) } else { (c, s) };
        let sin = if quadrant & 2 == 0 { s } else { -s };
        let cos = if (quadrant + 1) & 2 == 0 { c } else { -c };
        (sin, cos)
    }
}

/// The band-limited pulse train for an F0 curve (Hz, one value per frame):
/// every harmonic below 11 kHz at unit amplitude, written in closed form as
/// `sin((H + 1/2) t) / (2 sin(t/2)) - 1/2`; silent where unvoiced.
/// `out` receives `frames * HOP` samples.
fn pulses(f0: &[f32], out: &mut Vec<f32>) {
    let t = tables();
    let frames = f0.len();
    out.clear();
    out.resize(frames * HOP, 0.0);
    // First, sequentially, the instantaneous frequency (linear between
    // frame centres) and the phase, its running sum kept in float64 as
    // numpy's cumsum does. Unvoiced samples are marked by a zero frequency.
    let mut freq = vec![0.0f32; frames * HOP];
    let half = HOP / 2;
    let to_cycles = 1.0 / SAMPLE_RATE as f64;
    let mut cycles = 0.0f64;
    for (k, (phases, freqs)) in out
        .chunks_exact_mut(HOP)
        .zip(freq.chunks_exact_mut(HOP))
        .enumerate()
    {
        let prev = f0[k.saturating_sub(1)];
        let cur = f0[k];
        let next = f0[(k + 1).min(frames - 1)];
        for j in 0..HOP {
            let (a, b) = if j < half { (prev, cur) } else { (cur, next) };
            let f = a * t.v[j] + b * t.u[j];
            cycles += f.max(VOICED_HZ) as f64;
            // The fraction of a cycle: the sum is positive, far below 2^53.
            let turns = cycles * to_cycles;
            let turns = turns - (turns as u64) as f64;
            phases[j] = (turns * std::f64::consts::TAU) as f32;
            freqs[j] = if f > VOICED_HZ { f } else { 0.0 };
        }
    }
    // Then the closed form, sample by sample independently (vectorized).
    for (x, &f) in out.iter_mut().zip(&freq) {
        let phase = *x;
        // floor() of a positive number below 2^31, without a library call.
        let h = ((PULSE_FMAX / f.max(VOICED_HZ)) as i32) as f32 + 0.5;
        let s = fast::sin_cos(phase * 0.5).0 * 2.0;
        // At t = 0 the quotient tends to H + 1/2.
        let e = if s.abs() <= 2e-3 {
            h
        } else {
            fast::sin_cos(h * phase).0 / s
        };
        *x = if f > 0.0 { e - 0.5 } else { 0.0 };
    }
}

/// Index into a signal of length `n` for position `i` of its reflect-padded
/// version (numpy's `mode="reflect"`: mirrored about the end samples,
/// repeatedly when the padding is longer than the signal).
fn reflect(i: isize, n: usize) -> usize {
    if n == 1 {
        return 0;
    }
    let period = 2 * (n as isize - 1);
    let m = i.rem_euclid(period);
    (if m >= n as isize { period - m } else { m }) as usize
}

/// Frames whose branches are gathered at once: the network's outputs are
/// bin-major, the vocoder works frame by frame, and reading a few frames per
/// row keeps the transposition in cache.
const BLOCK: usize = 16;

/// The five spectral branches of up to `BLOCK` frames, each frame's bins
/// contiguous.
struct Columns {
    /// lh, th, ln, lr, phi; frame `i` of the block at `i * BINS..`.
    branches: [Vec<f32>; 5],
}

impl Columns {
    fn new() -> Columns {
        Columns {
            branches: std::array::from_fn(|_| vec![0.0; BLOCK * BINS]),
        }
    }

    /// Transpose frames `first..first + count` of the network's outputs.
    fn gather(&mut self, outputs: [&[f32]; 5], frames: usize, first: usize, count: usize) {
        for (dst, src) in self.branches.iter_mut().zip(outputs) {
            for (b, row) in src.chunks_exact(frames).enumerate() {
                for (column, &x) in dst.chunks_exact_mut(BINS).zip(&row[first..first + count]) {
                    column[b] = x;
                }
            }
        }
    }

    /// Frame `i` of the block: lh, th, ln, lr, phi.
    fn frame(&self, i: usize) -> [&[f32]; 5] {
        std::array::from_fn(|k| &self.branches[k][i * BINS..(i + 1) * BINS])
    }
}

/// The DSP alone: network outputs (each `[BINS][frames]` row-major, `f0`
/// `[frames]`) to `frames * 300` samples at 24 kHz. `seed` fixes the noise.
///
/// Panics if a slice does not have the length `frames` implies.
#[allow(clippy::too_many_arguments)]
pub fn vocode(
    lh: &[f32],
    th: &[f32],
    ln: &[f32],
    lr: &[f32],
    phi: &[f32],
    f0: &[f32],
    frames: usize,
    seed: u64,
) -> Vec<f32> {
    let size = BINS * frames;
    for (name, branch) in [("lh", lh), ("th", th), ("ln", ln), ("lr", lr), ("phi", phi)] {
        assert_eq!(
            branch.len(),
            size,
            "hibari vocoder: `{name}` must hold {BINS} x {frames} values"
        );
    }
    assert_eq!(
        f0.len(),
        frames,
        "hibari vocoder: `f0` must hold {frames} values"
    );
    let len = frames * HOP;
    if frames == 0 {
        return Vec::new();
    }
    // Filled as the frames reach it, not zeroed first: a zeroed buffer this
    // large is fresh pages, and adding into them read each page before
    // writing it, a second page fault whose TLB flush interrupts the other
    // worker too.
    let mut y: Vec<f32> = Vec::with_capacity(len);
    let t = tables();

    let mut source = Vec::new();
    pulses(f0, &mut source);

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns = Columns::new();
    let mut frame = vec![0.0f32; N_FFT];
    let mut noise = vec![0.0f32; 2 * BINS];
    let mut spec = vec![Complex::new(0.0f32, 0.0); BINS];
    let scratch_len = t.forward.get_scratch_len().max(t.inverse.get_scratch_len());
    let mut scratch = vec![Complex::new(0.0f32, 0.0); scratch_len];
    // The inverse FFT is unnormalized; scipy's irfft divides by n.
    let synth_win: Vec<f32> = t.win.iter().map(|w| w / N_FFT as f32).collect();

    for f in 0..frames {
        // Analysis frame f of the pulse train: centred on sample f * HOP.
        let start = (f * HOP) as isize - (N_FFT / 2) as isize;
        if start >= 0 && start as usize + N_FFT <= len {
            let s = &source[start as usize..start as usize + N_FFT];
            for ((x, &p), &w) in frame.iter_mut().zip(s).zip(&t.win_src) {
                *x = p * w;
            }
        } else {
            for (i, (x, &w)) in frame.iter_mut().zip(&t.win_src).enumerate() {
                *x = source[reflect(start + i as isize, len)] * w;
            }
        }
        t.forward
            .process_with_scratch(&mut frame, &mut spec, &mut scratch)
            .expect("FFT buffers have the planned sizes");

        if f % BLOCK == 0 {
            let count = BLOCK.min(frames - f);
            columns.gather([lh, th, ln, lr, phi], frames, f, count);
        }
        fill_noise(&mut noise, &mut rng);
        combine(&mut spec, columns.frame(f % BLOCK), &noise);

        // scipy's irfft ignores the imaginary parts of DC and Nyquist.
        spec[0].im = 0.0;
        spec[BINS - 1].im = 0.0;
        t.inverse
            .process_with_scratch(&mut spec, &mut frame, &mut scratch)
            .expect("FFT buffers have the planned sizes");

        // Window and overlap-add; the padding of half a window is dropped.
        // Samples up to `y.len()` have earlier frames in them; the rest are
        // this frame's first (0.0 plus it, as adding into zeros gave).
        let first = start.max(0) as usize;
        let skip = (first as isize - start) as usize;
        let end = (start + N_FFT as isize).min(len as isize) as usize;
        let src = &frame[skip..skip + (end - first)];
        let win = &synth_win[skip..];
        let overlap = y.len().min(end) - first;
        for ((o, &x), &w) in y[first..].iter_mut().zip(&src[..overlap]).zip(win) {
            *o += x * w;
        }
        y.extend(
            src[overlap..]
                .iter()
                .zip(&win[overlap..])
                .map(|(&x, &w)| 0.0 + x * w),
        );
    }
    // Every sample is under some frame (half a window reaches past a hop).
    debug_assert_eq!(y.len(), len);
    y.resize(len, 0.0);
    normalize(&mut y, frames, &t.win);
    y
}

/// Gaussian noise for one frame.
fn fill_noise(noise: &mut [f32], rng: &mut ChaCha8Rng) {
    for z in noise.iter_mut() {
        *z = StandardNormal.sample(rng);
    }
}

/// One frame's spectrum: the pulse spectrum `spec` turned into the complete
/// one, bin by bin. `noise` holds the frame's Gaussian noise, real and
/// imaginary parts interleaved.
fn combine(spec: &mut [Complex<f32>], branches: [&[f32]; 5], noise: &[f32]) {
    let [lh, th, ln, lr, phi] = branches;
    let bins = spec
        .iter_mut()
        .zip(lh)
        .zip(th)
        .zip(ln)
        .zip(lr)
        .zip(phi)
        .zip(noise.chunks_exact(2));
    for ((((((s, &lh), &th), &ln), &lr), &phi), z) in bins {
        let a = ex(lh);
        let (sin, cos) = fast::sin_cos(std::f32::consts::PI * fast::tanh(th));
        let (rot_re, rot_im) = (cos * a, sin * a);
        let h_re = s.re * rot_re - s.im * rot_im;
        let h_im = s.re * rot_im + s.im * rot_re;
        let n = ex(ln);
        let r = ex(lr);
        let (psin, pcos) = fast::sin_cos(phi);
        *s = Complex::new(h_re + z[0] * n + pcos * r, h_im + z[1] * n + psin * r);
    }
}

/// Divide the overlap-added signal by the summed squared window at each of
/// its samples (constant inside, tapered at the two ends), as torch.istft
/// does.
fn normalize(y: &mut [f32], frames: usize, win: &[f32]) {
    // Output block `b` (of HOP samples) is block `b + 2` of the padded
    // signal, covered by frames `b + 2 - k` for window quarters k = 0..4.
    for (b, block) in y.chunks_mut(HOP).enumerate() {
        let padded = b + OVERLAP / 2;
        let k_min = (padded + 1).saturating_sub(frames);
        let k_max = padded.min(OVERLAP - 1);
        for (j, x) in block.iter_mut().enumerate() {
            let mut sum = 0.0f32;
            for k in k_min..=k_max {
                let w = win[k * HOP + j];
                sum += w * w;
            }
            *x *= 1.0 / sum.max(1e-11);
        }
    }
}

/// The voice's phoneme alphabet (`vocab.json`: character -> id).
pub struct Vocab {
    ids: HashMap<char, i64>,
}

impl Vocab {
    pub fn load(path: &Path) -> Result<Vocab> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let map: HashMap<String, i64> = serde_json::from_str(&text).map_err(|e| {
            Error::Other(format!(
                "{} is not a hibari phoneme vocabulary ({e}): reinstall the hibari voice",
                path.display()
            ))
        })?;
        let mut ids = HashMap::with_capacity(map.len());
        for (key, id) in map {
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => ids.insert(c, id),
                _ => {
                    return Err(Error::Other(format!(
                        "{} maps `{key}`, which is not one character: reinstall the hibari voice",
                        path.display()
                    )));
                }
            };
        }
        Ok(Vocab { ids })
    }

    /// The model's input for a phoneme string: its ids, padded with 0 at
    /// both ends; characters outside the alphabet are skipped.
    pub fn ids(&self, phonemes: &str) -> Vec<i64> {
        let mut out = vec![0];
        out.extend(phonemes.chars().filter_map(|c| self.ids.get(&c).copied()));
        out.push(0);
        out
    }
}

/// The heart model: a pool of ONNX sessions, shared by worker threads.
pub struct HibariModel {
    model: std::path::PathBuf,
    pool: SessionPool,
}

impl HibariModel {
    /// `model`: hibari.onnx; `onnxruntime`: path of libonnxruntime.so.
    /// Cheap: the runtime and the sessions are opened on first use.
    pub fn new(onnxruntime: &Path, model: &Path) -> HibariModel {
        HibariModel {
            model: model.to_path_buf(),
            pool: SessionPool::new(onnxruntime, model, 1),
        }
    }

    /// Open the first session now rather than at the first utterance.
    pub fn open_ahead(&self) -> Result<()> {
        self.pool.open_ahead()
    }

    /// Phoneme ids (with the 0 pads) to float32 samples at 24 kHz. `seed`
    /// fixes the noise, so the same input always gives the same samples.
    pub fn synthesize_ids(&self, ids: &[i64], speed: f32, seed: u64) -> Result<Vec<f32>> {
        if ids.len() < 3 {
            return Ok(Vec::new());
        }
        let what = format!("running the voice model {}", self.model.display());
        self.pool.with(|session| {
            let ids = ort::value::Tensor::from_array(([1usize, ids.len()], ids.to_vec()))
                .map_err(failed(&what))?;
            let speed =
                ort::value::Tensor::from_array(([1usize], vec![speed])).map_err(failed(&what))?;
            let outputs = session
                .run(ort::inputs! {"ids" => ids, "speed" => speed})
                .map_err(failed(&what))?;
            if outputs.len() != 6 {
                return Err(self.bad_model(&format!("{} outputs instead of 6", outputs.len())));
            }
            let mut data = Vec::with_capacity(6);
            for i in 0..6 {
                let (_, values) = outputs[i]
                    .try_extract_tensor::<f32>()
                    .map_err(failed(&what))?;
                data.push(values);
            }
            let frames = data[5].len();
            if let Some(i) = data[..5].iter().position(|d| d.len() != BINS * frames) {
                return Err(self.bad_model(&format!(
                    "output {i} holds {} values, not {BINS} x {frames}",
                    data[i].len()
                )));
            }
            Ok(vocode(
                data[0], data[1], data[2], data[3], data[4], data[5], frames, seed,
            ))
        })
    }

    fn bad_model(&self, why: &str) -> Error {
        Error::Other(format!(
            "{} is not the hibari heart model ({why}): reinstall the hibari voice",
            self.model.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Branches of `frames` frames, each filled with one value.
    fn flat(frames: usize, value: f32) -> Vec<f32> {
        vec![value; BINS * frames]
    }

    /// Amplitude of the sinusoid at `hz` in `x` (a single DFT bin).
    fn amplitude(x: &[f32], hz: f64) -> f64 {
        let w = std::f64::consts::TAU * hz / SAMPLE_RATE as f64;
        let (mut re, mut im) = (0.0, 0.0);
        for (n, &v) in x.iter().enumerate() {
            re += v as f64 * (w * n as f64).cos();
            im += v as f64 * (w * n as f64).sin();
        }
        2.0 * (re * re + im * im).sqrt() / x.len() as f64
    }

    #[test]
    fn fast_math_matches_std() {
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4;
            let (s, c) = fast::sin_cos(x * 10.0);
            assert!((s - (x * 10.0).sin()).abs() < 3e-7, "sin {x}");
            assert!((c - (x * 10.0).cos()).abs() < 3e-7, "cos {x}");
            assert!((fast::tanh(x) - x.tanh()).abs() < 2e-7, "tanh {x}");
            let e = fast::exp(x * 4.0);
            let want = (x * 4.0).exp();
            assert!((e - want).abs() <= 4e-7 * want, "exp {x}: {e} vs {want}");
        }
        assert_eq!(fast::exp(-1e4), 0.0);
        assert!((fast::exp(-86.0) / (-86.0f32).exp() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn silent_branches_give_silence_of_the_right_length() {
        for frames in [0, 1, 2, 3, 5, 40] {
            let off = flat(frames, -1e4);
            let f0 = vec![150.0; frames];
            let y = vocode(&off, &off, &off, &off, &off, &f0, frames, 1);
            assert_eq!(y.len(), frames * HOP);
            assert!(y.iter().all(|&x| x == 0.0), "{frames} frames");
        }
    }

    #[test]
    fn harmonic_branch_sounds_at_the_pitch() {
        let frames = 80;
        let off = flat(frames, -1e4);
        let zero = flat(frames, 0.0);
        // Unit magnitude around 200 Hz (bins are 20 Hz apart), nothing else.
        let mut lh = off.clone();
        for b in 8..=12 {
            lh[b * frames..(b + 1) * frames].fill(0.0);
        }
        let f0 = vec![200.0; frames];
        let y = vocode(&lh, &zero, &off, &off, &zero, &f0, frames, 1);
        let middle = &y[10 * HOP..70 * HOP];
        // The branch passes the pulse train's unit harmonic through the
        // analysis window's 1/300 gain (dsp.py's WIN_SRC).
        let want = 1.0 / HOP as f64;
        let at_pitch = amplitude(middle, 200.0);
        assert!(
            (at_pitch / want - 1.0).abs() < 0.02,
            "amplitude at 200 Hz: {at_pitch}"
        );
        assert!(amplitude(middle, 300.0) < want * 0.01);
        assert!(amplitude(middle, 400.0) < want * 0.01);
        // Unvoiced (F0 below 40 Hz): no pulses, so nothing to filter.
        let y = vocode(&lh, &zero, &off, &off, &zero, &vec![0.0; frames], frames, 1);
        assert!(y.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn free_phase_branch_is_a_sinusoid_in_its_bin() {
        let frames = 60;
        let off = flat(frames, -1e4);
        let zero = flat(frames, 0.0);
        let mut lr = off.clone();
        // 960 Hz: a whole number of cycles per hop, so frames add up in phase.
        lr[48 * frames..49 * frames].fill(0.0);
        let y = vocode(&off, &zero, &off, &lr, &zero, &vec![0.0; frames], frames, 1);
        let middle = &y[10 * HOP..50 * HOP];
        // A bin of value 1 in every frame: a cosine of amplitude 2 / n_fft
        // per frame, windowed (mean 1/2) and divided by the summed squared
        // window (3/2 inside).
        let want = 2.0 / N_FFT as f64 * (4.0 * 0.5) / 1.5;
        let got = amplitude(middle, 960.0);
        assert!((got / want - 1.0).abs() < 1e-3, "{got} vs {want}");
    }

    #[test]
    fn the_seed_fixes_the_noise() {
        let frames = 30;
        let zero = flat(frames, 0.0);
        let f0 = vec![120.0; frames];
        let run = |seed| vocode(&zero, &zero, &zero, &zero, &zero, &f0, frames, seed);
        let a = run(7);
        assert_eq!(a, run(7));
        let b = run(8);
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
        // Only the noise differs: with it off, the seed does not matter.
        let off = flat(frames, -1e4);
        let quiet = |seed| vocode(&zero, &zero, &off, &zero, &zero, &f0, frames, seed);
        assert_eq!(quiet(1), quiet(2));
    }

    #[test]
    fn reflect_matches_numpy() {
        // np.pad(np.arange(4), 6, mode="reflect")
        let padded: Vec<usize> = (-6..10).map(|i| reflect(i, 4)).collect();
        assert_eq!(padded, [0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3]);
        assert_eq!(reflect(-3, 1), 0);
    }

    #[test]
    fn vocab_pads_and_skips_unknown_characters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vocab.json");
        std::fs::write(&path, r#"{"h": 50, "ə": 83, ".": 4}"#).unwrap();
        let vocab = Vocab::load(&path).unwrap();
        assert_eq!(vocab.ids("hə?."), [0, 50, 83, 4, 0]);
        std::fs::write(&path, r#"{"ab": 1}"#).unwrap();
        assert!(Vocab::load(&path).is_err());
    }

    /// The voices folder from `AUDIO_LEAFLET_VOICES`, or `None` (skip) when
    /// it is not set up, unless `AUDIO_LEAFLET_REQUIRE_VOICES=1`.
    fn voices() -> Option<std::path::PathBuf> {
        let dir = std::env::var_os("AUDIO_LEAFLET_VOICES").map(std::path::PathBuf::from);
        let ready = dir.as_ref().filter(|d| {
            d.join("hibari/hibari.onnx").is_file()
                && d.join("onnxruntime/libonnxruntime.so.1.31.1").is_file()
        });
        if ready.is_none() {
            let why = match &dir {
                None => "AUDIO_LEAFLET_VOICES is not set".to_string(),
                Some(d) => format!(
                    "{} lacks hibari/hibari.onnx or onnxruntime/libonnxruntime.so.1.31.1",
                    d.display()
                ),
            };
            if std::env::var("AUDIO_LEAFLET_REQUIRE_VOICES").as_deref() == Ok("1") {
                panic!(
                    "AUDIO_LEAFLET_REQUIRE_VOICES=1 but {why}: point AUDIO_LEAFLET_VOICES at the voices folder"
                );
            }
            eprintln!("skipped: {why}");
        }
        ready.cloned()
    }

    #[test]
    #[ignore = "needs the natural voices (AUDIO_LEAFLET_VOICES): scripts/test.sh runs it"]
    fn the_model_says_hello_world() {
        let Some(dir) = voices() else { return };
        let model = HibariModel::new(
            &dir.join("onnxruntime/libonnxruntime.so.1.31.1"),
            &dir.join("hibari/hibari.onnx"),
        );
        // "Hello world." through hibari's G2P: həlˈO wˈɜɹld.
        let ids = [0, 50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4, 0];
        let y = model.synthesize_ids(&ids, 1.0, 42).unwrap();
        assert_eq!(y.len() % HOP, 0);
        assert!(y.len() > SAMPLE_RATE as usize / 2, "{} samples", y.len());
        let rms = (y.iter().map(|&x| (x as f64).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
        assert!((0.01..0.3).contains(&rms), "rms {rms}");
        assert_eq!(y, model.synthesize_ids(&ids, 1.0, 42).unwrap());
        assert_eq!(y.len(), GOLDEN_SAMPLES);
        let levels = envelope(&y);
        assert_eq!(levels.len(), GOLDEN_ENVELOPE.len());
        for (i, (got, want)) in levels.iter().zip(GOLDEN_ENVELOPE).enumerate() {
            // Quiet windows are left out: a last-bit difference is a large
            // change in decibels there, and none of the speech.
            if want > -50.0 {
                assert!(
                    (got - want).abs() <= 0.5,
                    "window {i}: {got:.1} dB, not {want:.1}: {levels:?}"
                );
            }
        }
        assert!(model.synthesize_ids(&[0, 0], 1.0, 1).unwrap().is_empty());
    }

    /// The level (dBFS) of each 50 ms of `y`, to a tenth of a decibel.
    fn envelope(y: &[f32]) -> Vec<f64> {
        y.chunks(SAMPLE_RATE as usize / 20)
            .map(|w| {
                let power = w.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / w.len() as f64;
                (10.0 * (power + 1e-12).log10() * 10.0).round() / 10.0
            })
            .collect()
    }

    /// "Hello world." (seed 42) as ONNX Runtime 1.31.1 gave it: its length,
    /// and its level every 50 ms ([`envelope`]). The samples themselves
    /// differ in their last bits from one processor to another (ONNX
    /// Runtime's kernels and rustfft pick their code by the CPU's vector
    /// instructions), so a hash of them held on one machine only.
    const GOLDEN_SAMPLES: usize = 36000;
    const GOLDEN_ENVELOPE: [f64; 30] = [
        -120.0, -120.0, -120.0, -120.0, -87.1, -51.3, -35.0, -21.8, -22.7, -22.0, -20.6, -20.9,
        -24.4, -23.4, -21.7, -24.7, -29.6, -33.5, -35.6, -31.7, -35.8, -59.5, -75.3, -83.5, -95.0,
        -100.6, -118.1, -120.0, -120.0, -120.0,
    ];
}
