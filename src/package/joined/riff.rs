//! A WAV writer for what hound cannot write: cue points with text labels.
//!
//! The file is a `RIFF`/`WAVE` file with four chunks, in this order: `fmt `
//! (mono 16-bit PCM), `data`, `cue ` (one cue point per mark) and a `LIST` of
//! type `adtl` holding one `labl` per cue point (its id and its text). The
//! marks follow the samples, where most editors put them, so a reader that
//! stops at `data` (hound, sox) still reads the audio, and a reader that looks
//! further (FFmpeg) finds the marks.
//!
//! Every size is worked out before the first byte is written, so the header
//! goes out first and the samples are streamed through [`Samples`]: a whole
//! leaflet's audio never has to sit in memory. The writer counts the samples
//! it is given and fails if they are not exactly the number the header
//! declared, since a RIFF size that is wrong makes players stop early, read
//! the marks as noise or refuse the file.

use std::io::{self, Write};

const BITS_PER_SAMPLE: u16 = 16;
const BYTES_PER_SAMPLE: u64 = 2;
/// `WAVE_FORMAT_PCM`.
const FORMAT_PCM: u16 = 1;
/// The `fmt ` body of plain PCM: tag, channels, rate, byte rate, block align, bits.
const FMT_BODY: u64 = 16;
/// One cue point: id, position, chunk id, chunk start, block start, sample offset.
const CUE_POINT: u64 = 24;
const CHUNK_HEADER: u64 = 8;
/// A chapter mark: where it is, in samples from the start, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub sample: u32,
    pub label: String,
}

/// The layout of one WAV file with marks, checked and sized.
#[derive(Debug)]
pub struct CueWav {
    sample_rate: u32,
    samples: u32,
    marks: Vec<Mark>,
    riff_size: u32,
}

impl CueWav {
    /// Check that the file can be written (every size fits the 32-bit fields
    /// of a RIFF file, every mark is inside the audio, no label holds a NUL,
    /// which would end it early) and work out its sizes.
    pub fn new(sample_rate: u32, samples: u64, marks: Vec<Mark>) -> Result<CueWav, String> {
        if sample_rate == 0 {
            return Err("the audio has no sample rate".into());
        }
        let byte_rate = u64::from(sample_rate) * BYTES_PER_SAMPLE;
        if byte_rate > u64::from(u32::MAX) {
            return Err(format!(
                "a sample rate of {sample_rate} Hz is too high for WAV"
            ));
        }
        for mark in &marks {
            if u64::from(mark.sample) > samples {
                return Err(format!(
                    "a chapter mark at sample {} is past the end of the audio ({samples} samples)",
                    mark.sample
                ));
            }
            if mark.label.contains('\0') {
                return Err(format!("the label {:?} holds a NUL character", mark.label));
            }
        }
        let data = samples.saturating_mul(BYTES_PER_SAMPLE);
        let riff = 4
            + chunk_len(FMT_BODY)
            + chunk_len(data)
            + chunk_len(cue_body_len(&marks))
            + chunk_len(list_body_len(&marks));
        let Ok(riff_size) = u32::try_from(riff) else {
            return Err(format!(
                "{:.1} hours of audio is too long for one WAV file (at most 4 GiB)",
                samples as f64 / f64::from(sample_rate) / 3600.0
            ));
        };
        Ok(CueWav {
            sample_rate,
            // Fits: the data alone is under 4 GiB.
            samples: samples as u32,
            marks,
            riff_size,
        })
    }

    /// The RIFF chunk's size field: the file's length less 8.
    #[cfg(test)]
    pub fn riff_size(&self) -> u32 {
        self.riff_size
    }

    /// Write the file: the header, then the samples `fill` gives (exactly the
    /// number declared to [`CueWav::new`]), then the marks.
    pub fn write<W, F>(&self, out: &mut W, fill: F) -> io::Result<()>
    where
        W: Write + ?Sized,
        F: FnOnce(&mut Samples<'_, W>) -> io::Result<()>,
    {
        out.write_all(b"RIFF")?;
        out.write_all(&self.riff_size.to_le_bytes())?;
        out.write_all(b"WAVE")?;

        chunk_header(out, b"fmt ", FMT_BODY)?;
        out.write_all(&FORMAT_PCM.to_le_bytes())?;
        out.write_all(&1u16.to_le_bytes())?; // channels
        out.write_all(&self.sample_rate.to_le_bytes())?;
        out.write_all(&(self.sample_rate * BYTES_PER_SAMPLE as u32).to_le_bytes())?;
        out.write_all(&(BYTES_PER_SAMPLE as u16).to_le_bytes())?; // block align
        out.write_all(&BITS_PER_SAMPLE.to_le_bytes())?;

        // Two bytes a sample: the data is always of even length, no pad byte.
        chunk_header(out, b"data", u64::from(self.samples) * BYTES_PER_SAMPLE)?;
        let mut samples = Samples {
            out: &mut *out,
            left: self.samples,
        };
        fill(&mut samples)?;
        if samples.left != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} samples were declared but only {} given",
                    self.samples,
                    self.samples - samples.left
                ),
            ));
        }

        chunk_header(out, b"cue ", cue_body_len(&self.marks))?;
        out.write_all(&(self.marks.len() as u32).to_le_bytes())?;
        for (id, mark) in (1u32..).zip(&self.marks) {
            out.write_all(&id.to_le_bytes())?; // dwName: the id labl refers to
            out.write_all(&mark.sample.to_le_bytes())?; // dwPosition (no playlist)
            out.write_all(b"data")?; // fccChunk
            out.write_all(&0u32.to_le_bytes())?; // dwChunkStart
            out.write_all(&0u32.to_le_bytes())?; // dwBlockStart
            out.write_all(&mark.sample.to_le_bytes())?; // dwSampleOffset
        }

        chunk_header(out, b"LIST", list_body_len(&self.marks))?;
        out.write_all(b"adtl")?;
        for (id, mark) in (1u32..).zip(&self.marks) {
            let body = labl_body_len(&mark.label);
            chunk_header(out, b"labl", body)?;
            out.write_all(&id.to_le_bytes())?;
            out.write_all(mark.label.as_bytes())?;
            out.write_all(&[0])?;
            if body % 2 == 1 {
                out.write_all(&[0])?;
            }
        }
        Ok(())
    }
}

/// Where the samples go, between the header and the marks.
pub struct Samples<'a, W: Write + ?Sized> {
    out: &'a mut W,
    left: u32,
}

impl<W: Write + ?Sized> Samples<'_, W> {
    /// Append samples, already in the file's byte order (16-bit little-endian) as a
    /// chapter WAV's data chunk holds them, so they are copied without
    /// decoding. More samples than the header declared is an error.
    pub fn write_le_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        let per = BYTES_PER_SAMPLE as usize;
        let samples = bytes.len() / per;
        if !bytes.len().is_multiple_of(per) || samples as u64 > u64::from(self.left) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a part sample, or more samples than the header declares",
            ));
        }
        self.out.write_all(bytes)?;
        self.left -= samples as u32;
        Ok(())
    }
}

fn chunk_header<W: Write + ?Sized>(out: &mut W, tag: &[u8; 4], body: u64) -> io::Result<()> {
    out.write_all(tag)?;
    // Bodies were checked to fit when the layout was made.
    out.write_all(&(body as u32).to_le_bytes())
}

/// A chunk's whole length: header, body and the pad byte that keeps the next
/// chunk on an even offset (the size field itself leaves the pad out).
fn chunk_len(body: u64) -> u64 {
    CHUNK_HEADER + body + body % 2
}

fn cue_body_len(marks: &[Mark]) -> u64 {
    4 + CUE_POINT * marks.len() as u64
}

/// The cue id, the text and its terminating NUL.
fn labl_body_len(label: &str) -> u64 {
    4 + label.len() as u64 + 1
}

fn list_body_len(marks: &[Mark]) -> u64 {
    4 + marks
        .iter()
        .map(|m| chunk_len(labl_body_len(&m.label)))
        .sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(samples: &[i16]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    fn marks(list: &[(u32, &str)]) -> Vec<Mark> {
        list.iter()
            .map(|&(sample, label)| Mark {
                sample,
                label: label.into(),
            })
            .collect()
    }

    fn write(wav: &CueWav, samples: &[i16]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        wav.write(&mut out, |s| s.write_le_bytes(&le(samples)))?;
        Ok(out)
    }

    /// Every byte of a tiny file, sizes counted by hand: an even label
    /// ("Abc" + NUL after the id is 8 bytes) and an odd one in UTF-8
    /// ("é" is 2 bytes, "😀" 4, + NUL + id = 11 bytes, then a pad byte).
    #[test]
    fn writes_exactly_these_bytes() {
        let wav = CueWav::new(8000, 3, marks(&[(0, "Abc"), (2, "é😀")])).unwrap();
        let out = write(&wav, &[1, -2, 0x0304]).unwrap();
        let mut expected: Vec<u8> = Vec::new();
        // 4 (WAVE) + 24 (fmt) + 14 (data) + 60 (cue) + 48 (LIST) = 150
        expected.extend(b"RIFF\x96\x00\x00\x00WAVE");
        expected.extend(b"fmt \x10\x00\x00\x00");
        expected.extend(b"\x01\x00\x01\x00"); // PCM, mono
        expected.extend(b"\x40\x1f\x00\x00"); // 8000 Hz
        expected.extend(b"\x80\x3e\x00\x00"); // 16000 bytes a second
        expected.extend(b"\x02\x00\x10\x00"); // block align 2, 16 bits
        expected.extend(b"data\x06\x00\x00\x00");
        expected.extend(b"\x01\x00\xfe\xff\x04\x03");
        expected.extend(b"cue \x34\x00\x00\x00"); // 4 + 2 * 24 = 52
        expected.extend(b"\x02\x00\x00\x00");
        expected.extend(b"\x01\x00\x00\x00\x00\x00\x00\x00data");
        expected.extend(b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        expected.extend(b"\x02\x00\x00\x00\x02\x00\x00\x00data");
        expected.extend(b"\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00");
        expected.extend(b"LIST\x28\x00\x00\x00adtl"); // 4 + 16 + 20 = 40
        expected.extend(b"labl\x08\x00\x00\x00\x01\x00\x00\x00Abc\x00");
        expected.extend(b"labl\x0b\x00\x00\x00\x02\x00\x00\x00");
        expected.extend("é😀".as_bytes());
        expected.extend(b"\x00\x00"); // NUL, then the pad byte
        assert_eq!(out, expected);
        assert_eq!(out.len(), 158);
        assert_eq!(wav.riff_size() as usize, out.len() - 8);
    }

    #[test]
    fn hound_reads_the_samples_back() {
        let samples: Vec<i16> = (0..10_001)
            .map(|i| (i * 7 % 65_536 - 32_768) as i16)
            .collect();
        let wav = CueWav::new(
            22_050,
            samples.len() as u64,
            marks(&[(0, "One"), (5000, "Two")]),
        )
        .unwrap();
        let mut out = Vec::new();
        wav.write(&mut out, |s| {
            // In uneven pieces, as a stream of chapters would come.
            for piece in samples.chunks(3333) {
                s.write_le_bytes(&le(piece))?;
            }
            Ok(())
        })
        .unwrap();
        let mut reader = hound::WavReader::new(io::Cursor::new(out)).unwrap();
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (1, 22_050, 16)
        );
        let back: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        assert_eq!(back, samples);
    }

    #[test]
    fn the_samples_given_must_be_the_samples_declared() {
        let wav = CueWav::new(8000, 4, marks(&[(0, "A")])).unwrap();
        let short = write(&wav, &[1, 2, 3]).unwrap_err();
        assert!(
            short
                .to_string()
                .contains("4 samples were declared but only 3")
        );
        let long = write(&wav, &[1, 2, 3, 4, 5]).unwrap_err();
        assert!(long.to_string().contains("more samples"));
        assert_eq!(
            write(&wav, &[1, 2, 3, 4]).unwrap().len() as u32,
            wav.riff_size() + 8
        );
    }

    #[test]
    fn refuses_what_a_wav_file_cannot_hold() {
        let past_end = CueWav::new(8000, 10, marks(&[(11, "A")])).unwrap_err();
        assert!(past_end.contains("past the end"), "{past_end}");
        let nul = CueWav::new(8000, 10, marks(&[(0, "A\0B")])).unwrap_err();
        assert!(nul.contains("NUL"), "{nul}");
        assert!(CueWav::new(0, 10, Vec::new()).is_err());
        // 2^31 samples are 4 GiB of data, before any header.
        let huge = CueWav::new(16_000, 1 << 31, Vec::new()).unwrap_err();
        assert!(huge.contains("too long for one WAV file"), "{huge}");
        // Just under the limit is fine (no samples are written here).
        let most = (u64::from(u32::MAX) - 4 - 24 - 8 - 12 - 12) / 2;
        assert_eq!(
            CueWav::new(16_000, most, Vec::new()).unwrap().riff_size(),
            u32::MAX - 1
        );
        assert!(CueWav::new(16_000, most + 1, Vec::new()).is_err());
    }
}
