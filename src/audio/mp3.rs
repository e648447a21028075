//! MP3: mono 16-bit PCM to a constant-bit-rate MPEG Layer III stream whose
//! first frame is a LAME "Info" tag with the encoder delay and the end
//! padding, so that decoders which read it (FFmpeg, browsers, podcast apps)
//! give back exactly the samples that went in, and the utterance marks
//! measured on the PCM hold in the MP3 to the sample.
//!
//! The encoder is `rusty_mp3`: pure Rust (no C library to build or link on a
//! fresh machine) under Apache-2.0, built from the patched copy in
//! `third-party/rusty_mp3` (its `CHANGES.md` says what differs and why: the
//! same bytes for about half the instructions). LAME and shine, the usual C encoders and
//! their Rust ports, are LGPL, which a statically linked MIT/Apache binary
//! should not carry.
//!
//! [`frames`] reads the stream back without decoding it: the Info tag's
//! frame count and the delay and padding give the decoded length, which the
//! package check compares with the manifest.

use std::io::Write;

use rusty_mp3::{Mp3Encoder, Mp3EncoderConfig};

use super::pieces::PIECE_S;

/// The bit rate for speech at a sample rate, in kb/s. 64 kb/s at 22.05 and
/// 24 kHz (the natural voices and espeak-ng); 48 kb/s at 16 kHz (the
/// embedded voice), where there is a third less audio to carry; 32 kb/s
/// below that. `scripts/mp3-quality.sh` scores a leaflet's chapters as WAV
/// and as MP3 for predicted naturalness: the reference leaflet in the
/// embedded voice, 3.42 as WAV and 3.61 as MP3 at 48 kb/s (the predictor
/// likes the encoder's low-pass over the voice's buzz; no chapter scored
/// lower as MP3).
pub fn bitrate_kbps(sample_rate: u32) -> u32 {
    match sample_rate {
        r if r >= 22_050 => 64,
        r if r >= 16_000 => 48,
        _ => 32,
    }
}

/// The sample rates MPEG Layer III carries (MPEG-1, 2 and 2.5).
pub const RATES: [u32; 9] = [
    8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000,
];

/// Encode `samples` (mono, at `sample_rate`) at [`bitrate_kbps`]. The
/// result is the same bytes for the same samples, however many threads the
/// current rayon pool has.
///
/// A long chapter is cut at pauses into pieces of [`PIECE_S`] seconds or
/// more ([`cuts`]), the pieces are encoded in parallel, and their streams
/// are joined frame for frame as [`splice`] joins chapters: a rebuild of one
/// chapter, or the last chapters of a build, then use every core. Each cut
/// falls on a frame boundary inside digital silence long enough to cover
/// the codec's delay and its overlapping windows on both sides, so the
/// joined stream decodes exactly as the pieces do one after another.
pub fn encode(samples: &[i16], sample_rate: u32) -> Result<Vec<u8>, String> {
    use rayon::prelude::*;
    let cuts = cuts(samples, sample_rate);
    if cuts.is_empty() {
        return encode_whole(samples, sample_rate);
    }
    let pieces: Vec<&[i16]> = super::pieces::between(&cuts, samples.len())
        .into_iter()
        .map(|(from, to)| &samples[from..to])
        .collect();
    let streams: Vec<Vec<u8>> = pieces
        .par_iter()
        .map(|piece| encode_whole(piece, sample_rate))
        .collect::<Result<_, _>>()?;
    let parts: Vec<(&[u8], u64)> = streams
        .iter()
        .zip(&pieces)
        .map(|(bytes, piece)| (bytes.as_slice(), piece.len() as u64))
        .collect();
    match splice(&parts, sample_rate) {
        Some(joined) => Ok(joined.to_vec()),
        // Not expected (every cut is whole frames from the start), but the
        // chapter is still encoded rather than lost.
        None => encode_whole(samples, sample_rate),
    }
}

/// Where a chapter is cut into pieces for encoding ([`super::pieces`]):
/// sample offsets, each a whole number of frames from the start, pieces of
/// [`PIECE_S`] seconds or more. A cut needs digital silence from the
/// codec's full delay (encoder and decoder, 1,057 samples) plus three
/// frames before it to two frames after it: the frames on either side of
/// the seam then carry nothing but silence, which the encoder writes as
/// empty frames, so nothing of one piece's windows or filter memory reaches
/// the other's sound. A pause between paragraphs (600 ms by default) holds
/// that at every speech rate; an utterance's own quiet edges, which are not
/// digital silence, do not count.
pub fn cuts(samples: &[i16], sample_rate: u32) -> Vec<usize> {
    use rusty_mp3::encode::lametag::{DECODER_DELAY, ENCODER_DELAY};
    let spf = frame_samples(sample_rate) as usize;
    super::pieces::cuts(
        samples,
        sample_rate as usize * PIECE_S,
        ENCODER_DELAY + DECODER_DELAY + 3 * spf,
        2 * spf,
        spf,
    )
}

/// The whole of `samples` as one stream.
fn encode_whole(samples: &[i16], sample_rate: u32) -> Result<Vec<u8>, String> {
    let mut encoder = Encoder::new(sample_rate)?;
    encoder.push(samples)?;
    encoder.finish()
}

/// An MP3 stream being written, its samples pushed in pieces (a chapter at
/// a time for the whole leaflet), the finished frames kept as they come.
pub struct Encoder {
    inner: Mp3Encoder,
    sample_rate: u32,
    out: Vec<u8>,
    pushed: bool,
}

impl Encoder {
    pub fn new(sample_rate: u32) -> Result<Encoder, String> {
        if !RATES.contains(&sample_rate) {
            return Err(format!(
                "MP3 cannot carry audio at {sample_rate} Hz: build with --audio wav"
            ));
        }
        Ok(Encoder {
            inner: Mp3Encoder::new(Mp3EncoderConfig {
                bitrate_kbps: bitrate_kbps(sample_rate),
                vbr_quality: None,
            }),
            sample_rate,
            out: Vec::new(),
            pushed: false,
        })
    }

    /// Add samples, a second at a time, draining the finished frames so the
    /// encoder never holds much.
    pub fn push(&mut self, samples: &[i16]) -> Result<(), String> {
        let step = self.sample_rate as usize;
        for block in samples.chunks(step.max(1)) {
            self.push_block(block)?;
        }
        Ok(())
    }

    fn push_block(&mut self, block: &[i16]) -> Result<(), String> {
        self.inner
            .push_pcm_s16(block, 1, self.sample_rate)
            .map_err(|e| format!("the MP3 encoder refused the audio: {e}"))?;
        self.pushed = true;
        while let Ok(packet) = self.inner.next_packet() {
            self.out.extend_from_slice(&packet);
        }
        Ok(())
    }

    /// The whole stream, its Info tag filled in.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        if !self.pushed {
            // The header is fixed by the first push: no samples still make
            // a valid (silent, zero-length) stream.
            self.push_block(&[])?;
        }
        self.inner.finish();
        while let Ok(packet) = self.inner.next_packet() {
            self.out.extend_from_slice(&packet);
        }
        // The tag frame was drained before its counts were known: write the
        // finished one over it (it is the same length).
        let tag = self
            .inner
            .lame_tag_frame()
            .ok_or("the MP3 encoder wrote no Info tag")?;
        let start = first_frame(&self.out).ok_or("the MP3 encoder wrote no frame")?;
        if self.out.len() < start + tag.len() {
            return Err("the MP3 encoder's Info tag does not fit its first frame".into());
        }
        self.out[start..start + tag.len()].copy_from_slice(tag);
        Ok(self.out)
    }
}

/// Samples in one MPEG Layer III frame at `sample_rate`: 1,152 for MPEG-1
/// (32 kHz and up), 576 for MPEG-2 and 2.5 (the speech rates).
pub fn frame_samples(sample_rate: u32) -> u64 {
    if sample_rate >= 32_000 { 1152 } else { 576 }
}

/// The audio frames of an MP3 stream made by [`encode`], in order, without
/// its Info tag frame; `None` when the bytes are not such a stream.
fn audio_frames(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let start = first_frame(bytes)?;
    let frame_at = |at: usize| -> Option<usize> {
        let head: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        let size = rusty_mp3::header::FrameHeader::parse(head)
            .ok()?
            .frame_size();
        (size > 4 && at + size <= bytes.len()).then_some(size)
    };
    let mut at = start + frame_at(start)?;
    let mut frames = Vec::new();
    while at < bytes.len() {
        let size = frame_at(at)?;
        frames.push(&bytes[at..at + size]);
        at += size;
    }
    Some(frames)
}

/// One gapless stream from the streams of consecutive chapters, without
/// encoding anything again: the same bytes as the chapters' files, frame for
/// frame, behind one new Info tag.
///
/// It works because each chapter's frames start where the joined stream's
/// would: every chapter but the last is a whole number of frames long (the
/// mastering pads its silent tail to that), so chapter `k`'s first sample
/// falls on a frame boundary of the joined stream, and its stream, which
/// starts with an empty bit reservoir, decodes there exactly as it does on
/// its own. Of each chapter but the last only the frames that cover its own
/// length are kept: the frames dropped and the next chapter's priming are the
/// decoder's delay over the chapter's silent tail (a second of digital
/// silence, which encodes to empty frames), so nothing audible is lost or
/// added. `parts` are each chapter's MP3 bytes and its length in samples.
/// `None` when a chapter's length or stream does not allow this (the caller
/// then encodes the samples instead).
pub fn splice<'a>(parts: &[(&'a [u8], u64)], sample_rate: u32) -> Option<Spliced<'a>> {
    use rayon::prelude::*;
    use rusty_mp3::encode::lametag;
    let spf = frame_samples(sample_rate);
    let (last, rest) = parts.split_last()?;
    if rest.iter().any(|(_, n)| n % spf != 0) {
        return None;
    }
    let mut kept: Vec<&'a [u8]> = Vec::new();
    // Where each chapter's frames start in `kept`.
    let mut starts: Vec<usize> = Vec::with_capacity(parts.len());
    for (i, &(bytes, samples)) in parts.iter().enumerate() {
        starts.push(kept.len());
        let stream = frames(bytes)?;
        if stream.samples != samples || stream.sample_rate != sample_rate || stream.channels != 1 {
            return None;
        }
        let frames = audio_frames(bytes)?;
        // A stream that starts with data in a reservoir it does not hold
        // cannot follow another.
        if i > 0 && frames.first().and_then(|f| f.get(4)) != Some(&0) {
            return None;
        }
        let keep = if i + 1 == parts.len() {
            frames.len()
        } else {
            usize::try_from(samples / spf).ok()?
        };
        kept.extend(frames.get(..keep)?);
    }
    let total: u64 = rest.iter().map(|(_, n)| n).sum::<u64>() + last.1;
    let head: [u8; 4] = kept.first()?.get(..4)?.try_into().ok()?;
    let header = rusty_mp3::header::FrameHeader::parse(head).ok()?;
    let tag_header = lametag::tag_header(&header);
    let delay = lametag::ENCODER_DELAY;
    if kept.len() as u64 != lametag::frames_for(total, delay, spf as usize) {
        return None;
    }
    let mut stats = lametag::TagStats::new(tag_header.frame_size());
    for f in &kept {
        stats.add_frame_counted(f);
    }
    // The music CRC runs over every byte of the stream (4.8 MB for the
    // reference leaflet): each chapter's frames on the pool, then the
    // chapters' CRCs combined in order, the CRC of the whole.
    starts.push(kept.len());
    let crcs: Vec<(u16, u64)> = starts
        .par_windows(2)
        .map(|w| {
            kept[w[0]..w[1]].iter().fold((0u16, 0u64), |(crc, len), f| {
                (lametag::crc16(crc, f), len + f.len() as u64)
            })
        })
        .collect();
    let crc = crcs.iter().fold(0u16, |crc, &(part, len)| {
        lametag::crc16_combine(crc, part, len)
    });
    stats.set_music_crc(crc);
    let info = lametag::TagInfo {
        vbr: false,
        delay,
        padding: usize::try_from(lametag::padding_for(total, delay, spf as usize)).ok()?,
    };
    let tag = lametag::tag_frame(&tag_header, &stats, &info);
    Some(Spliced { tag, frames: kept })
}

/// A spliced stream ([`splice`]): its new Info tag, then frames borrowed
/// from the chapters' streams, written out without being gathered first.
pub struct Spliced<'a> {
    tag: Vec<u8>,
    frames: Vec<&'a [u8]>,
}

impl Spliced<'_> {
    pub fn write_to(&self, out: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
        out.write_all(&self.tag)?;
        for f in &self.frames {
            out.write_all(f)?;
        }
        Ok(())
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let len = self.tag.len() + self.frames.iter().map(|f| f.len()).sum::<usize>();
        let mut out = Vec::with_capacity(len);
        self.write_to(&mut out).expect("a Vec takes every write");
        out
    }
}

/// What an MP3 stream says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stream {
    pub sample_rate: u32,
    pub channels: u16,
    pub bitrate_kbps: u32,
    /// The samples a gapless decoder gives: the frames' samples less the
    /// encoder delay and the padding the Info tag records.
    pub samples: u64,
}

/// Read the first frame header and the LAME Info (or Xing) tag of an MP3
/// file's bytes (after any ID3v2 tag). `None` when there is no such tag.
pub fn frames(bytes: &[u8]) -> Option<Stream> {
    let start = first_frame(bytes)?;
    let h = Header::parse(&bytes[start..])?;
    let tag = start + 4 + h.side_info_len();
    let id = bytes.get(tag..tag + 4)?;
    if id != b"Info" && id != b"Xing" {
        return None;
    }
    let flags = be32(bytes.get(tag + 4..tag + 8)?);
    if flags & 1 == 0 {
        return None;
    }
    let frames = u64::from(be32(bytes.get(tag + 8..tag + 12)?));
    // The LAME extension follows the Xing fields (frames, bytes, TOC and
    // quality, as the flags say): the delay and padding sit 21 bytes in.
    let mut lame = tag + 8;
    for (bit, len) in [(1, 4), (2, 4), (4, 100), (8, 4)] {
        if flags & bit != 0 {
            lame += len;
        }
    }
    let dp = bytes.get(lame + 21..lame + 24)?;
    let delay = (u64::from(dp[0]) << 4) | (u64::from(dp[1]) >> 4);
    let padding = (u64::from(dp[1] & 0x0F) << 8) | u64::from(dp[2]);
    let total = frames * h.samples_per_frame();
    Some(Stream {
        sample_rate: h.sample_rate,
        channels: h.channels,
        bitrate_kbps: h.bitrate_kbps,
        samples: total.saturating_sub(delay + padding),
    })
}

/// [`frames`] of an MP3 file, reading only its start ([`read_head`]), not
/// the whole stream: what a rebuild asks of every cached chapter. `None`
/// when the file cannot be read or has no Info tag.
pub fn file_frames(path: &std::path::Path) -> Option<Stream> {
    let mut file = std::fs::File::open(path).ok()?;
    frames(&read_head(&mut file).ok()?)
}

/// The start of an MP3 stream from `reader`: any ID3v2 tag whole, then
/// enough for the first frames, which is all [`frames`] and an ID3 reader
/// look at. What follows is left unread.
pub fn read_head(reader: &mut impl std::io::Read) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    reader.by_ref().take(10).read_to_end(&mut head)?;
    let tag = if head.starts_with(b"ID3") && head.len() == 10 {
        let size = head[6..10]
            .iter()
            .fold(0u64, |n, &b| (n << 7) | u64::from(b & 0x7F));
        10 + size
    } else {
        0
    };
    // The Info frame is at most 1,441 bytes (320 kb/s at 32 kHz), and the
    // first frame starts within 64 bytes of the tag's end.
    reader.take(tag + 4096).read_to_end(&mut head)?;
    Ok(head)
}

/// Where the first frame starts: after an ID3v2 tag, if there is one.
fn first_frame(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    if bytes.starts_with(b"ID3") && bytes.len() >= 10 {
        let size = bytes[6..10]
            .iter()
            .fold(0usize, |n, &b| (n << 7) | usize::from(b & 0x7F));
        at = 10 + size + if bytes[5] & 0x10 != 0 { 10 } else { 0 };
    }
    (0..64)
        .map(|i| at + i)
        .find(|&i| bytes.get(i..i + 4).and_then(Header::parse).is_some())
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// An MPEG audio frame header (Layer III only).
struct Header {
    /// 1 for MPEG-1, 2 for MPEG-2 and 2.5.
    version: u8,
    sample_rate: u32,
    bitrate_kbps: u32,
    channels: u16,
}

impl Header {
    fn parse(b: &[u8]) -> Option<Header> {
        if b.len() < 4 || b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
            return None;
        }
        let version_bits = (b[1] >> 3) & 3;
        if (b[1] >> 1) & 3 != 1 {
            return None; // not Layer III
        }
        let (version, rates): (u8, [u32; 3]) = match version_bits {
            3 => (1, [44_100, 48_000, 32_000]),
            2 => (2, [22_050, 24_000, 16_000]),
            0 => (2, [11_025, 12_000, 8_000]),
            _ => return None,
        };
        let rate_index = usize::from((b[2] >> 2) & 3);
        let bitrate_index = usize::from(b[2] >> 4);
        if rate_index == 3 || bitrate_index == 0 || bitrate_index == 15 {
            return None;
        }
        const V1: [u32; 15] = [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ];
        const V2: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        Some(Header {
            version,
            sample_rate: rates[rate_index],
            bitrate_kbps: if version == 1 { V1 } else { V2 }[bitrate_index],
            channels: if b[3] >> 6 == 3 { 1 } else { 2 },
        })
    }

    fn side_info_len(&self) -> usize {
        match (self.version, self.channels) {
            (1, 1) => 17,
            (1, _) => 32,
            (_, 1) => 9,
            _ => 17,
        }
    }

    fn samples_per_frame(&self) -> u64 {
        if self.version == 1 { 1152 } else { 576 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, samples: usize) -> Vec<i16> {
        (0..samples)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn the_info_tag_gives_back_the_exact_length_at_every_speech_rate() {
        for rate in [8_000, 16_000, 22_050, 24_000] {
            for n in [1usize, 575, 12_345, 3 * rate as usize + 7] {
                let mp3 = encode(&tone(rate, n), rate).unwrap();
                let s = frames(&mp3).unwrap_or_else(|| panic!("no tag at {rate} Hz"));
                assert_eq!(s.samples, n as u64, "{rate} Hz, {n} samples");
                assert_eq!(s.sample_rate, rate);
                assert_eq!(s.channels, 1);
                assert_eq!(s.bitrate_kbps, bitrate_kbps(rate));
            }
        }
    }

    #[test]
    fn the_same_samples_give_the_same_bytes_and_the_size_follows_the_rate() {
        let pcm = tone(22_050, 22_050 * 10);
        let a = encode(&pcm, 22_050).unwrap();
        assert_eq!(a, encode(&pcm, 22_050).unwrap());
        // Ten seconds at 64 kb/s is 80 kB, give or take a frame.
        assert!((78_000..84_000).contains(&a.len()), "{}", a.len());
    }

    #[test]
    fn an_empty_chapter_and_an_odd_rate() {
        let mp3 = encode(&[], 16_000).unwrap();
        assert_eq!(frames(&mp3).map(|s| s.samples), Some(0));
        let err = encode(&[0; 100], 44_000).unwrap_err();
        assert!(err.contains("--audio wav"), "{err}");
    }

    #[test]
    fn a_file_is_read_from_its_start_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.mp3");
        let mp3 = encode(&tone(16_000, 16_000 * 30), 16_000).unwrap();
        let mut tagged = b"ID3\x04\x00\x00\x00\x00\x00\x05hello".to_vec();
        tagged.extend_from_slice(&mp3);
        std::fs::write(&path, &tagged).unwrap();
        assert_eq!(file_frames(&path), frames(&tagged));
        assert_eq!(file_frames(&path).map(|s| s.samples), Some(16_000 * 30));
        assert_eq!(file_frames(&dir.path().join("none.mp3")), None);
    }

    /// A chapter as mastering leaves it: silence, sound, a second of
    /// silence, padded to whole frames.
    fn chapter(rate: u32, sound: usize, hz: f64) -> Vec<i16> {
        let mut s = vec![0i16; rate as usize / 2];
        s.extend((0..sound).map(|i| {
            let t = i as f64 / f64::from(rate);
            (9000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
        }));
        s.resize(s.len() + rate as usize, 0);
        let spf = frame_samples(rate) as usize;
        s.resize(s.len().div_ceil(spf) * spf, 0);
        s
    }

    fn decoded(bytes: &[u8]) -> Vec<f32> {
        rusty_mp3::decode_pipelined(bytes)
            .into_iter()
            .flat_map(|d| d.samples)
            .collect()
    }

    #[test]
    fn spliced_chapters_decode_as_the_chapters_do_end_to_end() {
        for rate in [16_000, 24_000] {
            let mut chapters: Vec<Vec<i16>> = [(7_001, 440.0), (20_000, 300.0), (333, 900.0)]
                .iter()
                .map(|&(n, hz)| chapter(rate, n, hz))
                .collect();
            // The last chapter need not be whole frames.
            let short = chapters[2].len() - 100;
            chapters[2].truncate(short);
            let mp3s: Vec<Vec<u8>> = chapters.iter().map(|c| encode(c, rate).unwrap()).collect();
            let parts: Vec<(&[u8], u64)> = mp3s
                .iter()
                .zip(&chapters)
                .map(|(m, c)| (m.as_slice(), c.len() as u64))
                .collect();
            let joined = splice(&parts, rate)
                .expect("whole-frame chapters splice")
                .to_vec();
            let total: u64 = chapters.iter().map(|c| c.len() as u64).sum();
            assert_eq!(frames(&joined).map(|s| s.samples), Some(total));
            let worst = seam_error(&joined, &parts);
            assert!(worst < 1e-6, "{rate} Hz: differs by {worst}");
        }
    }

    /// How far the joined stream's decode is from its parts' own decodes
    /// end to end, each (untrimmed) cut to its length after the codec's
    /// delay: `parts` as [`splice`] takes them.
    fn seam_error(joined: &[u8], parts: &[(&[u8], u64)]) -> f32 {
        let delay = 528 + 529;
        let mut expected: Vec<f32> = Vec::new();
        for &(bytes, samples) in parts {
            let d = decoded(bytes);
            expected.extend_from_slice(&d[delay..delay + samples as usize]);
        }
        let whole = decoded(joined);
        whole[delay..delay + expected.len()]
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max)
    }

    /// Speech-like: bursts of a tone, 2 to 4 seconds each, each followed by
    /// `pause` samples of digital silence.
    fn talk(rate: u32, bursts: usize, pause: usize) -> Vec<i16> {
        let mut s = Vec::new();
        for b in 0..bursts {
            let n = rate as usize * (2 + b % 3);
            let hz = 200.0 + 97.0 * b as f64;
            s.extend((0..n).map(|i| {
                let t = i as f64 / f64::from(rate);
                let fade = (i.min(n - i) as f64 / 200.0).min(1.0);
                (9000.0 * fade * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
            }));
            s.resize(s.len() + pause, 0);
        }
        s
    }

    /// The shortest pause a cut can go in: the silence a cut needs plus a
    /// frame, less one sample, so only one frame boundary fits.
    fn tightest_pause(rate: u32) -> usize {
        let spf = frame_samples(rate) as usize;
        528 + 529 + 3 * spf + 2 * spf + spf - 1
    }

    #[test]
    fn a_long_chapter_is_encoded_in_pieces_that_decode_as_one_stream() {
        for rate in [16_000, 24_000] {
            for pause in [rate as usize * 6 / 10, tightest_pause(rate)] {
                let pcm = talk(rate, 12, pause);
                let cuts = cuts(&pcm, rate);
                assert!(cuts.len() >= 2, "{rate} Hz, pause {pause}: cuts {cuts:?}");
                let spf = frame_samples(rate) as usize;
                let mut bounds = vec![0];
                bounds.extend(&cuts);
                bounds.push(pcm.len());
                for w in bounds.windows(2) {
                    assert_eq!(w[0] % spf, 0);
                    assert!(w[1] - w[0] >= rate as usize * PIECE_S / 2, "{bounds:?}");
                }
                let mp3 = encode(&pcm, rate).unwrap();
                assert_eq!(frames(&mp3).map(|s| s.samples), Some(pcm.len() as u64));
                // The joined stream decodes as each piece does on its own.
                let streams: Vec<(Vec<u8>, u64)> = bounds
                    .windows(2)
                    .map(|w| {
                        let piece = &pcm[w[0]..w[1]];
                        (encode_whole(piece, rate).unwrap(), piece.len() as u64)
                    })
                    .collect();
                let parts: Vec<(&[u8], u64)> =
                    streams.iter().map(|(b, n)| (b.as_slice(), *n)).collect();
                let worst = seam_error(&mp3, &parts);
                assert!(worst < 1e-6, "{rate} Hz, pause {pause}: differs by {worst}");
                let delay = 528 + 529;
                let whole = decoded(&mp3);
                // And it is the sound that went in (the untrimmed decode
                // also holds the Info tag's frame, as silence).
                let (mut err, mut sig) = (0.0f64, 0.0f64);
                for (g, &x) in whole[delay + spf..].iter().zip(&pcm) {
                    let x = f64::from(x) / 32768.0;
                    err += (f64::from(*g) - x).powi(2);
                    sig += x * x;
                }
                let snr = 10.0 * (sig / err).log10();
                assert!(snr > 30.0, "{rate} Hz: SNR {snr:.1} dB");
                // The same bytes on one thread as on many.
                let one = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .unwrap()
                    .install(|| encode(&pcm, rate).unwrap());
                assert_eq!(one, mp3);
            }
        }
    }

    #[test]
    fn pauses_too_short_for_a_clean_seam_are_not_cut() {
        let rate = 16_000;
        let short = talk(
            rate,
            12,
            tightest_pause(rate) - frame_samples(rate) as usize,
        );
        assert_eq!(cuts(&short, rate), Vec::<usize>::new());
        assert_eq!(
            encode(&short, rate).unwrap(),
            encode_whole(&short, rate).unwrap()
        );
        // Quiet is not silence: one sample of 1 in each pause.
        let pause = tightest_pause(rate);
        let mut hiss = talk(rate, 12, pause);
        let mut at = 0;
        for b in 0..12 {
            at += rate as usize * (2 + b % 3);
            hiss[at + pause / 2] = 1;
            at += pause;
        }
        assert_eq!(cuts(&hiss, rate), Vec::<usize>::new());
        // A chapter shorter than two pieces is one stream.
        let brief = talk(rate, 3, rate as usize);
        assert_eq!(cuts(&brief, rate), Vec::<usize>::new());
    }

    #[test]
    fn chapters_that_are_not_whole_frames_do_not_splice() {
        let a = chapter(16_000, 5_000, 440.0);
        let mut b = a.clone();
        b.push(0);
        let (ma, mb) = (encode(&a, 16_000).unwrap(), encode(&b, 16_000).unwrap());
        let parts = [
            (mb.as_slice(), b.len() as u64),
            (ma.as_slice(), a.len() as u64),
        ];
        assert!(splice(&parts, 16_000).is_none());
        let wrong = [
            (ma.as_slice(), a.len() as u64 + 576),
            (ma.as_slice(), a.len() as u64),
        ];
        assert!(splice(&wrong, 16_000).is_none());
    }

    #[test]
    fn an_id3_tag_in_front_is_skipped() {
        let mp3 = encode(&tone(16_000, 4000), 16_000).unwrap();
        let mut tagged = b"ID3\x04\x00\x00\x00\x00\x00\x05hello".to_vec();
        tagged.extend_from_slice(&mp3);
        assert_eq!(frames(&tagged).map(|s| s.samples), Some(4000));
        assert_eq!(frames(b"not an mp3"), None);
    }
}
