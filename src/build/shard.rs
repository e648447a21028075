//! `--shard K/N`: one of N slices of a batch, so that many machines (a
//! Kubernetes Indexed Job, a Slurm array, GNU parallel) can share it.
//!
//! A leaflet's slice is decided by a hash of its path relative to what was
//! named on the command line (inside a folder: the path within it; a file
//! named on its own: its file name), not by its place in the sorted list.
//! So adding or removing leaflets never moves another leaflet to a
//! different slice (a machine keeps the leaflets, and the cache, it had),
//! and machines that mount the shared folder in different places still
//! agree. The price is that slices are only about even: with many leaflets
//! each holds close to 1/N of them, with a handful some may hold none.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The K-th of N slices, K counted from 1 as the job engines count
/// (`$SLURM_ARRAY_TASK_ID` from 1, `$JOB_COMPLETION_INDEX` from 0 plus one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    /// `K/N`, with 1 <= K <= N; the errors name the flag and show a good value.
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = |why: &str| {
            Error::Other(format!(
                "--shard {text}: {why} (for example --shard 2/8 builds the second of eight slices)"
            ))
        };
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| bad("give the slice as K/N"))?;
        let number = |s: &str| s.trim().parse::<u32>().ok();
        let (Some(index), Some(count)) = (number(k), number(n)) else {
            return Err(bad("K and N must be whole numbers"));
        };
        if count == 0 {
            return Err(bad("N, the number of slices, must be at least 1"));
        }
        if index == 0 || index > count {
            return Err(bad(&format!("K must be between 1 and {count}")));
        }
        Ok(Shard { index, count })
    }

    /// K, from 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// N.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Whether the leaflet with this slicing key is in this slice.
    pub fn owns(&self, key: &str) -> bool {
        slice_of(key, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The slice (from 1) of `count` that the leaflet with this key falls in:
/// the first eight bytes of the key's SHA-256, modulo `count`. SHA-256
/// rather than std's hasher, whose output may change between Rust releases
/// and so between machines built at different times.
pub fn slice_of(key: &str, count: u32) -> u32 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n_is_checked_and_named() {
        assert_eq!(Shard::parse("2/8").unwrap().to_string(), "2/8");
        assert_eq!(Shard::parse("1/1").unwrap().count(), 1);
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/3", "1/3/4", ""] {
            let err = Shard::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with(&format!("--shard {bad}:")), "{err}");
        }
        assert!(
            Shard::parse("4/3")
                .unwrap_err()
                .to_string()
                .contains("between 1 and 3")
        );
    }

    #[test]
    fn every_key_is_in_exactly_one_slice_and_stays_there() {
        let keys: Vec<String> = (0..200).map(|i| format!("leaflet-{i}.pdf")).collect();
        for n in 1..=5 {
            let shards: Vec<Shard> = (1..=n)
                .map(|k| Shard::parse(&format!("{k}/{n}")).unwrap())
                .collect();
            for key in &keys {
                assert_eq!(shards.iter().filter(|s| s.owns(key)).count(), 1, "{key}");
            }
        }
        // Fixed for good: machines built from different releases must agree.
        assert_eq!(
            [
                slice_of("a.md", 3),
                slice_of("gout.md", 3),
                slice_of("gout.md", 2)
            ],
            [3, 2, 1]
        );
        let sizes: Vec<usize> = (1..=4)
            .map(|k| keys.iter().filter(|key| slice_of(key, 4) == k).count())
            .collect();
        assert!(sizes.iter().all(|&s| s > 30), "about even: {sizes:?}");
    }
}
