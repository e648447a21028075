//! Batch regeneration: the chapter cache, and a build that never loses work.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{FAKE_VOICE, bin, repo, shared_leaflet, with_fake_voice};

/// Every file of every package in `out` (not the working folder), by path.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for package in std::fs::read_dir(out).unwrap().flatten() {
        let name = package.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !package.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(package.path()).unwrap().flatten() {
            let key = format!("{name}/{}", f.file_name().to_string_lossy());
            files.insert(key, std::fs::read(f.path()).unwrap());
        }
    }
    files
}

struct Built {
    synthesized: u64,
    reused: u64,
}

fn build(inputs: &[&Path], out: &Path, extra: &[&str]) -> Vec<Built> {
    let o = bin()
        .arg("build")
        .args(inputs)
        .args(["--quiet", "--report", "json", "--out"])
        .arg(out)
        .args(with_fake_voice(extra))
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| Built {
            synthesized: l["synthesized"].as_u64().unwrap(),
            reused: l["reused"].as_u64().unwrap(),
        })
        .collect()
}

fn copy_example(dir: &Path) -> PathBuf {
    let path = dir.join("carpal-tunnel.txt");
    std::fs::copy(repo("examples/carpal-tunnel.txt"), &path).unwrap();
    path
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} is not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

const PACKAGE: &str = "carpal-tunnel-release";

/// The chapter files whose bytes differ between two snapshots.
fn changed(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut names: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| {
            (k.ends_with(".mp3") || k.ends_with(".wav"))
                && !k.ends_with("leaflet.wav")
                && !k.ends_with("leaflet.mp3")
        })
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn nothing_changed_narrates_nothing_and_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    let first = build(&[&input], &out, &[]);
    assert_eq!((first[0].synthesized, first[0].reused), (6, 0));
    let before = snapshot(&out);
    let again = build(&[&input], &out, &[]);
    assert_eq!((again[0].synthesized, again[0].reused), (0, 6));
    assert_eq!(snapshot(&out), before, "every output byte-identical");
    let forced = build(&[&input], &out, &["--force"]);
    assert_eq!(forced[0].synthesized, 6, "--force narrates everything");
    assert_eq!(snapshot(&out), before, "and the voice says the same");
}

/// A rebuild knows an unchanged leaflet by what it read as last time,
/// without parsing it; when the package must be written again anyway, the
/// leaflet is parsed then, and the package is the same.
#[test]
fn a_rebuild_recalls_the_reading_and_parses_the_leaflet_only_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    build(&[&input], &out, &[]);
    let before = snapshot(&out);
    let readings = out.join(".audio-leaflet/read");
    let kept: Vec<PathBuf> = std::fs::read_dir(&readings)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "one reading kept: {kept:?}");
    let reading: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&kept[0]).unwrap()).unwrap();
    assert_eq!(reading["chapters"], 6);
    assert_eq!(reading["language"], "en");

    // A file of the package removed by hand: the leaflet recalled is
    // parsed, and the package written again is the same.
    std::fs::remove_file(out.join(PACKAGE).join("manifest.json")).unwrap();
    let again = build(&[&input], &out, &[]);
    assert_eq!((again[0].synthesized, again[0].reused), (0, 6));
    assert_eq!(snapshot(&out), before);

    // A damaged reading is passed over (the leaflet is parsed) and mended.
    std::fs::write(&kept[0], b"{\"kind\": ").unwrap();
    let third = build(&[&input], &out, &[]);
    assert_eq!((third[0].synthesized, third[0].reused), (0, 6));
    assert_eq!(snapshot(&out), before);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&kept[0]).unwrap()).unwrap(),
        reading
    );

    // An edited leaflet is read afresh: a second reading beside the first.
    edit(
        &input,
        "move your fingers often",
        "move your fingers gently and often",
    );
    build(&[&input], &out, &[]);
    assert_eq!(std::fs::read_dir(&readings).unwrap().count(), 2);
}

#[test]
fn one_chapter_edited_narrates_only_that_chapter() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    build(&[&input], &out, &[]);
    let before = snapshot(&out);
    edit(
        &input,
        "move your fingers often",
        "move your fingers gently and often",
    );
    let after_build = build(&[&input], &out, &[]);
    let after = snapshot(&out);
    assert_eq!(after_build[0].synthesized, 1, "only the edited chapter");
    assert_eq!(
        changed(&before, &after),
        [format!("{PACKAGE}/04-looking-after-your-hand-at-home.mp3")]
    );
}

#[test]
fn voice_or_rate_changes_narrate_everything_a_lexicon_only_what_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    build(&[&input], &out, &[]);
    assert_eq!(build(&[&input], &out, &["--rate", "140"])[0].synthesized, 6);
    assert_eq!(
        build(&[&input], &out, &["--voice", "kal"])[0].synthesized,
        6
    );

    build(&[&input], &out, &[]);
    let before = snapshot(&out);
    // "ligament" is said only in chapter 3.
    let said = dir.path().join("say.toml");
    std::fs::write(&said, "[say]\nligament = \"lig a ment\"\n").unwrap();
    let b = build(&[&input], &out, &["--lexicon", said.to_str().unwrap()]);
    assert_eq!(b[0].synthesized, 1);
    assert_eq!(
        changed(&before, &snapshot(&out)),
        [format!("{PACKAGE}/03-how-is-the-operation-done.mp3")]
    );
    let phones = dir.path().join("phones.toml");
    std::fs::write(&phones, "[phones]\nligament = \"l ih1 g ax0 m ax0 n t\"\n").unwrap();
    let b = build(&[&input], &out, &["--lexicon", phones.to_str().unwrap()]);
    assert_eq!(
        b[0].synthesized, 1,
        "a phones entry re-narrates only where the word is said"
    );
}

#[test]
fn a_removed_chapter_leaves_the_package_and_clean_frees_its_audio() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    build(&[&input], &out, &[]);
    let text = std::fs::read_to_string(&input).unwrap();
    let start = text.find("More information").unwrap();
    let end = text.find("Contact us").unwrap();
    std::fs::write(&input, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let b = build(&[&input], &out, &[]);
    let package = out.join(PACKAGE);
    assert!(!package.join("05-more-information.mp3").exists());
    assert!(package.join("05-contact-us.mp3").exists());
    assert!(
        b[0].synthesized <= 2,
        "the renumbered chapter is the same audio"
    );

    let o = bin().arg("clean").arg(&out).output().unwrap();
    assert!(o.status.success());
    let said = String::from_utf8(o.stdout).unwrap();
    // The removed chapter, and the old opening that counted six sections;
    // and what the file read as before the edit.
    assert!(
        said.starts_with("removed 2 unused chapter recording(s) and 1 unused leaflet reading(s)"),
        "{said}"
    );
    let readings = || {
        std::fs::read_dir(out.join(".audio-leaflet/read"))
            .unwrap()
            .count()
    };
    assert_eq!(
        readings(),
        1,
        "the reading of the file as it is now is kept"
    );
    let ok = bin().arg("check").arg(&package).output().unwrap();
    assert!(ok.status.success(), "clean keeps what packages use");
    assert_eq!(build(&[&input], &out, &[])[0].synthesized, 0);

    // A package removed by hand keeps nothing of its own.
    std::fs::remove_dir_all(&package).unwrap();
    let o = bin().arg("clean").arg(&out).output().unwrap();
    let said = String::from_utf8(o.stdout).unwrap();
    assert!(
        said.contains("recording(s) and 1 unused leaflet reading(s)"),
        "{said}"
    );
    assert_eq!(readings(), 0);
}

#[test]
fn identical_chapters_in_two_leaflets_are_narrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = copy_example(dir.path());
    let b = dir.path().join("second.txt");
    std::fs::copy(&a, &b).unwrap();
    edit(&b, "Carpal tunnel release", "Trigger finger release");
    let out = dir.path().join("out");
    let built = build(&[&a, &b], &out, &["--jobs", "2"]);
    let synthesized: u64 = built.iter().map(|l| l.synthesized).sum();
    let reused: u64 = built.iter().map(|l| l.reused).sum();
    // Chapters 2 to 5 are the same in both; the first (title, announcement)
    // and the last (its closing names the leaflet) differ.
    assert_eq!((synthesized, reused), (8, 4));
}

#[test]
fn folders_and_patterns_name_many_leaflets() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = dir.path().join("leaflets/plastics");
    std::fs::create_dir_all(&leaflets).unwrap();
    std::fs::copy(repo("examples/carpal-tunnel.txt"), leaflets.join("a.txt")).unwrap();
    std::fs::write(
        leaflets.join("b.md"),
        "# Gout\n\nGout is a painful swelling of a joint.\n",
    )
    .unwrap();
    std::fs::write(leaflets.join("notes.xlsx"), "not a leaflet").unwrap();
    let out = dir.path().join("out");
    assert_eq!(build(&[&dir.path().join("leaflets")], &out, &[]).len(), 2);
    let pattern = leaflets.join("*.md");
    assert_eq!(build(&[&pattern], &out, &[]).len(), 1);
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn cache_entries(out: &Path) -> usize {
    std::fs::read_dir(out.join(".audio-leaflet/cache"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}

/// The interrupted builds speak with the real voice: the fake one is quick
/// enough to finish a batch before it can be stopped.
const SLOW_VOICE: [&str; 2] = ["--voice", "kal16"];

/// Copies of the shared leaflets, each with one edit, for a long batch.
fn batch(dir: &Path, tag: &str) -> Vec<PathBuf> {
    ["osseointegration", "asthma", "cholesterol", "ct-scan"]
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.txt"));
            let text = std::fs::read_to_string(shared_leaflet(&format!("{name}.txt"))).unwrap();
            std::fs::write(&path, text.replace(" the ", &format!(" the {tag} "))).unwrap();
            path
        })
        .collect()
}

fn spawn_build(inputs: &[PathBuf], out: &Path) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
        .env("AUDIO_LEAFLET_VOICES", crate::util::NO_VOICES)
        .arg("build")
        .args(inputs)
        .args(["--quiet", "--jobs", "1", "--out"])
        .arg(out)
        .args(SLOW_VOICE)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Build a batch, then start building an edited batch into the same folder
/// and return, once `chapters` of its chapters are narrated, the first
/// build's files, the running build and the edited inputs.
fn interrupted_batch(
    dir: &Path,
    out: &Path,
    chapters: usize,
) -> (BTreeMap<String, Vec<u8>>, std::process::Child, Vec<PathBuf>) {
    let v1 = batch(dir, "first");
    let refs: Vec<&Path> = v1.iter().map(PathBuf::as_path).collect();
    build(&refs, out, &SLOW_VOICE);
    let good = snapshot(out);
    let entries_before = cache_entries(out);
    let v2 = batch(dir, "second");
    let child = spawn_build(&v2, out);
    wait_for("chapters of the second build", || {
        cache_entries(out) >= entries_before + chapters
    });
    (good, child, v2)
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn a_killed_build_keeps_the_old_packages_and_the_rerun_matches_a_clean_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (good, mut child, v2) = interrupted_batch(dir.path(), &out, 4);
    child.kill().unwrap(); // SIGKILL: no chance to tidy up
    child.wait().unwrap();
    assert_eq!(
        snapshot(&out),
        good,
        "the previous good packages are intact"
    );

    let refs2: Vec<&Path> = v2.iter().map(PathBuf::as_path).collect();
    let resumed = build(&refs2, &out, &SLOW_VOICE);
    assert!(
        resumed.iter().map(|l| l.reused).sum::<u64>() >= 4,
        "resumed from the cache"
    );
    let clean_out = dir.path().join("clean");
    build(&refs2, &clean_out, &SLOW_VOICE);
    assert_eq!(
        snapshot(&out),
        snapshot(&clean_out),
        "byte for byte as a clean build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging") || n.starts_with(".retired"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
#[ignore = "needs ../shared/leaflets: scripts/test.sh runs it"]
fn ctrl_c_stops_with_130_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (good, mut child, _) = interrupted_batch(dir.path(), &out, 1);
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(snapshot(&out), good);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with(".staging")),
        "{names:?}"
    );
}

#[test]
fn a_second_build_into_the_same_folder_waits_for_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = copy_example(dir.path());
    let out = dir.path().join("out");
    build(&[&input], &out, &[]);
    // Hold the folder's lock as a running build would.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(out.join(".audio-leaflet/lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
        .env("AUDIO_LEAFLET_VOICES", crate::util::NO_VOICES)
        .arg("build")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(FAKE_VOICE)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "it waits while the lock is held"
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("waiting: another build is writing to"),
        "{stderr}"
    );
}
