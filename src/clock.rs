//! Every way the project writes or reads a time in the audio, in one place.
//!
//! Each output format has its own rules for how a position or a length is
//! spelt, and a player that gets one wrong may refuse the file or seek to the
//! wrong place, so each form is a function of its own here:
//!
//! - [`hms_millis`], `hh:mm:ss.mmm`: the full SMIL clock value in the heads of
//!   the DAISY 2.02 SMIL files, and also the WebVTT timestamp of the player's
//!   chapter track (WebVTT wants the same shape: two-digit hours or more).
//! - [`hms`], `hh:mm:ss` to the nearest second: how DAISY 2.02 states
//!   `ncc:totalTime`.
//! - [`timecount`], `12.345s`, and [`npt`], `npt=12.345s`: SMIL timecounts,
//!   for a `seq`'s `dur` and an audio clip's `clip-begin`/`clip-end`.
//! - [`cue_index`], `mm:ss:ff`: a CUE sheet's `INDEX`, in CD frames of 1/75 s.
//! - [`decimal_seconds`], `12.345`: an extended M3U `#EXTINF` length.
//! - [`seconds`], `12.345` from whole milliseconds: where a passage of the web
//!   player's text starts and ends, and its media fragment (`#t=12.345`).
//! - [`short`], `m:ss` or `h:mm:ss`: what a person reads beside a chapter in
//!   the web player; [`minutes`], `m:ss` with the minutes uncapped, is the
//!   build report's length of a leaflet.
//! - [`parse_hms`] and [`parse_npt`] read the SMIL and DAISY forms back, for the
//!   package checker, and [`parse_clock`] any SMIL 3 clock value, as an EPUB's
//!   Media Overlays and its `media:duration` may give them.
//!
//! The positions come in as whole milliseconds ([`millis`] turns a sample
//! count into them) or, for what people read, as seconds.

/// Samples to whole milliseconds, rounded to the nearest. The product is
/// taken in 128 bits, so no sample count can overflow it.
pub fn millis(samples: u64, sample_rate: u64) -> u64 {
    let rate = u128::from(sample_rate);
    ((u128::from(samples) * 1000 + rate / 2) / rate) as u64
}

/// `hh:mm:ss.mmm`: the full SMIL clock value, and the WebVTT timestamp. Hours
/// go past 99 when they must.
pub fn hms_millis(ms: u64) -> String {
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}.{frac:03}")
}

/// `hh:mm:ss` to the nearest second, the form DAISY 2.02 gives `ncc:totalTime`.
pub fn hms(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `12.345s`: a SMIL timecount in seconds.
pub fn timecount(ms: u64) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}

/// `npt=12.345s`: a clip boundary in normal play time, as DAISY 2.02 writes them.
pub fn npt(ms: u64) -> String {
    format!("npt={}", timecount(ms))
}

/// CUE times count in CD frames: 75 a second.
const CUE_FRAMES_PER_SECOND: u64 = 75;

/// `mm:ss:ff` for a sample offset, in CD frames. Rounded down to the frame,
/// so a player that jumps to a chapter starts at most 1/75 s early, in the
/// silence that ends the chapter before, and never clips the chapter's first
/// word. Minutes go past 99 when they must (a CD would stop there; players
/// read on).
pub fn cue_index(sample: u64, sample_rate: u32) -> String {
    let frames = sample * CUE_FRAMES_PER_SECOND / u64::from(sample_rate.max(1));
    let ff = frames % CUE_FRAMES_PER_SECOND;
    let seconds = frames / CUE_FRAMES_PER_SECOND;
    format!("{:02}:{:02}:{ff:02}", seconds / 60, seconds % 60)
}

/// `12.345`: seconds to the millisecond, as an `#EXTINF` length.
pub fn decimal_seconds(secs: f64) -> String {
    format!("{secs:.3}")
}

/// `12.345`: whole milliseconds as decimal seconds, exactly, for the web
/// player's passage times (`data-start`, `#t=`), which its script compares
/// with the audio element's `currentTime`.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Whole hours, minutes and seconds, rounded to the second (a negative
/// length counts as none): the parts of a length as people are told it.
pub fn whole_hms(secs: f64) -> (u64, u64, u64) {
    let s = whole_seconds(secs);
    (s / 3600, s / 60 % 60, s % 60)
}

fn whole_seconds(secs: f64) -> u64 {
    secs.max(0.0).round() as u64
}

/// `m:ss` or `h:mm:ss`, rounded to the second, as the player shows beside
/// each chapter: short, with no hour until there is one.
pub fn short(secs: f64) -> String {
    match whole_hms(secs) {
        (0, m, s) => format!("{m}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
}

/// `m:ss`, rounded to the second, the minutes never turned into hours: the
/// build report's column of lengths, where leaflets last minutes.
pub fn minutes(secs: f64) -> String {
    let total = whole_seconds(secs);
    format!("{}:{:02}", total / 60, total % 60)
}

/// Seconds from `hh:mm:ss` or `hh:mm:ss.sss` (any of the three parts may be
/// a decimal number), as DAISY heads and `ncc:totalTime` state them.
pub fn parse_hms(value: &str) -> Option<f64> {
    let mut parts = value.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    Some(h.parse::<f64>().ok()? * 3600.0 + m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?)
}

/// Seconds from `npt=12.345s`.
pub fn parse_npt(value: &str) -> Option<f64> {
    value.strip_prefix("npt=")?.strip_suffix('s')?.parse().ok()
}

/// Seconds from a SMIL 3 clock value, as EPUB 3 Media Overlays use them: a
/// full or partial clock value (`01:02:03.5`, `02:03.5`) or a timecount
/// (`12.345s`, `12.345`, `123ms`, `2min`, `1.5h`).
pub fn parse_clock(value: &str) -> Option<f64> {
    let v = value.trim();
    if v.contains(':') {
        let parts: Vec<&str> = v.split(':').collect();
        let (h, m, s) = match parts[..] {
            [h, m, s] => (h.parse::<u64>().ok()?, m, s),
            [m, s] => (0, m, s),
            _ => return None,
        };
        let m: u64 = m.parse().ok()?;
        let s: f64 = s.parse().ok()?;
        let two_digits = |p: &str| p.split('.').next().is_some_and(|w| w.len() == 2);
        if m > 59 || !(0.0..60.0).contains(&s) || !two_digits(parts[parts.len() - 1]) {
            return None;
        }
        return Some(h as f64 * 3600.0 + m as f64 * 60.0 + s);
    }
    let (number, scale) = [("ms", 0.001), ("min", 60.0), ("h", 3600.0), ("s", 1.0)]
        .iter()
        .find_map(|&(unit, scale)| v.strip_suffix(unit).map(|n| (n, scale)))
        .unwrap_or((v, 1.0));
    let n: f64 = number.parse().ok()?;
    (n.is_finite() && n >= 0.0 && !number.starts_with(['+', '-'])).then_some(n * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_to_the_nearest_millisecond() {
        assert_eq!(millis(16_000, 16_000), 1000);
        assert_eq!(millis(7, 16_000), 0); // 0.4375 ms
        assert_eq!(millis(8, 16_000), 1); // 0.5 ms
        assert_eq!(millis(22_049, 22_050), 1000); // 999.95 ms
        assert_eq!(millis(229_840, 16_000), 14_365);
        assert_eq!(millis(48_000 * 3600 * 35, 48_000), 3600 * 35 * 1000);
        // 2^60 samples: times 1000 is past what 64 bits hold.
        assert_eq!(millis(1 << 60, 1 << 10), 1000 << 50);
    }

    #[test]
    fn smil_and_webvtt_clock_values() {
        assert_eq!(hms_millis(0), "00:00:00.000");
        assert_eq!(hms_millis(12_345), "00:00:12.345");
        assert_eq!(hms_millis(3_723_004), "01:02:03.004");
        assert_eq!(
            hms_millis(millis(16_000 * 3_725 + 8, 16_000)),
            "01:02:05.001"
        );
        assert_eq!(hms_millis(360_000_000), "100:00:00.000");
    }

    #[test]
    fn total_times_round_to_the_second() {
        assert_eq!(hms(1_499), "00:00:01");
        assert_eq!(hms(1_500), "00:00:02");
        assert_eq!(hms(3_599_600), "01:00:00");
    }

    #[test]
    fn timecounts_and_normal_play_time() {
        assert_eq!(timecount(7), "0.007s");
        assert_eq!(timecount(61_005), "61.005s");
        assert_eq!(npt(0), "npt=0.000s");
        assert_eq!(npt(61_005), "npt=61.005s");
    }

    #[test]
    fn cue_indexes_count_frames_of_a_75th_of_a_second() {
        assert_eq!(cue_index(0, 16_000), "00:00:00");
        // 61.5 s: frame 37.5, rounded down.
        assert_eq!(cue_index(16_000 * 61 + 8_000, 16_000), "01:01:37");
        // One sample short of a frame is still the frame before.
        assert_eq!(cue_index(22_050 / 75 * 2 - 1, 22_050), "00:00:01");
        assert_eq!(cue_index(22_050 / 75 * 2, 22_050), "00:00:02");
        assert_eq!(cue_index(8_000 * 6_000, 8_000), "100:00:00");
    }

    #[test]
    fn playlist_lengths_keep_three_decimals() {
        assert_eq!(decimal_seconds(2.0), "2.000");
        assert_eq!(decimal_seconds(0.5), "0.500");
        assert_eq!(decimal_seconds(61.0004), "61.000");
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(61_005), "61.005");
    }

    #[test]
    fn lengths_for_people() {
        assert_eq!(short(14.365), "0:14");
        assert_eq!(short(65.5), "1:06");
        assert_eq!(short(3_725.0), "1:02:05");
        assert_eq!(short(-1.0), "0:00");
        assert_eq!(minutes(65.5), "1:06");
        assert_eq!(minutes(3_725.0), "62:05");
        assert_eq!(minutes(-1.0), "0:00");
        assert_eq!(whole_hms(7_320.4), (2, 2, 0));
    }

    #[test]
    fn clock_values_parse() {
        assert_eq!(parse_hms("01:02:03"), Some(3723.0));
        assert_eq!(parse_hms("00:00:01.500"), Some(1.5));
        assert_eq!(parse_hms(&hms_millis(3_723_004)), Some(3723.004));
        assert_eq!(parse_hms("01:02"), None);
        assert_eq!(parse_npt("npt=12.345s"), Some(12.345));
        assert_eq!(parse_npt(&npt(61_005)), Some(61.005));
        assert_eq!(parse_npt("12.345"), None);
    }

    #[test]
    fn smil3_clock_values_parse() {
        assert_eq!(parse_clock(&hms_millis(3_723_004)), Some(3723.004));
        assert_eq!(parse_clock("02:03.5"), Some(123.5));
        assert_eq!(parse_clock("100:00:00"), Some(360_000.0));
        assert_eq!(parse_clock(&timecount(61_005)), Some(61.005));
        assert_eq!(parse_clock("12.5"), Some(12.5));
        assert_eq!(parse_clock("250ms"), Some(0.25));
        assert_eq!(parse_clock("2min"), Some(120.0));
        assert_eq!(parse_clock("1.5h"), Some(5400.0));
        for bad in [
            "", "s", "-1s", "1:2:3", "00:61:00", "00:00:60", "1:2", "abc", "npt=1s",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }
}
