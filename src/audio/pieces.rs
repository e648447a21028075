//! Cutting a chapter at its pauses into pieces that are worked on apart:
//! mastering's limiter and the MP3 encoder each split a long chapter this
//! way so that one chapter can use every core. Each asks for the digital
//! silence its own state needs around a cut; the search is the same.

/// The shortest piece, in seconds, a chapter is cut into: long enough that
/// what a piece costs on its own (a stream's start, a limiter's set-up)
/// is small beside its work.
pub const PIECE_S: usize = 8;

/// Offsets where `samples` may be cut, in order: each a multiple of
/// `align`, at least `piece` samples after the last cut (or the start) and
/// half that before the end, with only zeros from `before` samples ahead of
/// it to `after` samples past it. Each cut is the earliest place that
/// allows it.
pub fn cuts(
    samples: &[i16],
    piece: usize,
    before: usize,
    after: usize,
    align: usize,
) -> Vec<usize> {
    let align = align.max(1);
    let first_after = |from: usize| (from + piece).max(before).div_ceil(align) * align;
    let mut cuts = Vec::new();
    let mut at = first_after(0);
    while at + piece / 2 <= samples.len() && at + after <= samples.len() {
        // Checked from the end, where sound that has not yet stopped shows
        // first.
        match samples[at - before..at + after]
            .iter()
            .rposition(|&s| s != 0)
        {
            None => {
                cuts.push(at);
                at = first_after(at);
            }
            // The earliest aligned place with the silence it needs after the
            // last sound found.
            Some(loud) => {
                let next = (at - before + loud + 1 + before).div_ceil(align) * align;
                at = next.max(at + align);
            }
        }
    }
    cuts
}

/// The `(from, to)` ranges between `cuts`, covering `0..len`.
pub fn between(cuts: &[usize], len: usize) -> Vec<(usize, usize)> {
    let mut from = 0;
    let mut pieces: Vec<(usize, usize)> = cuts
        .iter()
        .map(|&at| {
            let piece = (from, at);
            from = at;
            piece
        })
        .collect();
    pieces.push((from, len));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_in_silence_aligned_and_apart() {
        // Sound with a pause of 100 zeros every 1,000 samples.
        let samples: Vec<i16> = (0..10_000)
            .map(|i| {
                if i % 1_000 >= 900 {
                    0
                } else {
                    1 + (i % 7) as i16
                }
            })
            .collect();
        let cuts = cuts(&samples, 2_000, 30, 20, 8);
        assert_eq!(cuts, [2_936, 4_936, 6_936, 8_936]);
        for &at in &cuts {
            assert!(samples[at - 30..at + 20].iter().all(|&s| s == 0));
        }
        assert_eq!(
            between(&cuts, samples.len()),
            [
                (0, 2_936),
                (2_936, 4_936),
                (4_936, 6_936),
                (6_936, 8_936),
                (8_936, 10_000)
            ]
        );
        // Pauses shorter than the silence asked for: no cut.
        assert_eq!(super::cuts(&samples, 2_000, 60, 50, 1), Vec::<usize>::new());
        assert_eq!(between(&[], 5), [(0, 5)]);
    }
}
