//! A batch spread over several processes (`build --shard K/N`) on one
//! output folder, then `index`: the result is the same, byte for byte, as
//! one process building the whole batch, even when shards are killed and
//! run again.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use audio_leaflet::build::slice_of;

use crate::util::{FAKE_VOICE, NO_VOICES, bin, files_under};

const DATE: &str = "1772582400";

/// Seven small leaflets, named so that three slices hold 2, 3 and 2 of
/// them (asserted below), with two titled "Knee injection" in different
/// slices: the second in the batch's order is `knee-injection-2` whichever
/// shard builds it. The two also share their middle chapters, which two
/// shards then narrate at once into the shared cache.
const LEAFLETS: [(&str, &str, &str); 7] = [
    ("asthma.md", "Asthma inhalers", "inhaler"),
    ("bunion.md", "Bunion surgery", "foot"),
    ("cholesterol.md", "Cholesterol tests", "blood test"),
    ("gout.md", "Gout", "joint"),
    ("hernia.md", "Hernia repair", "wound"),
    ("knee-injection-again.md", "Knee injection", "knee"),
    ("knee-injection.md", "Knee injection", "knee"),
];

/// The slice each leaflet is in, of three.
const SLICES: [u32; 7] = [2, 3, 1, 2, 3, 2, 1];

fn leaflet_text(title: &str, topic: &str, variant: &str) -> String {
    format!(
        "# {title}\n\nThis leaflet explains your {topic} and what happens next.\n\n\
         ## Before you come in\n\nBring a list of your medicines. Eat as usual on the day.\n\n\
         ## Afterwards\n\nRest the {topic} for two days. {variant}\n\n\
         ## Contact us\n\nCall the clinic on 01234 567890 if you are worried.\n"
    )
}

/// The batch in `dir/leaflets`, and the folder to name on the command line.
fn write_batch(dir: &Path) -> PathBuf {
    let folder = dir.join("leaflets");
    std::fs::create_dir_all(&folder).unwrap();
    for (i, (name, title, topic)) in LEAFLETS.iter().enumerate() {
        // The knee pair differ only in one sentence of one chapter.
        let variant = if name.starts_with("knee") {
            format!("Leaflet {} of the pair.", name.len())
        } else {
            format!("Ask us about {topic} number {i}.")
        };
        std::fs::write(folder.join(name), leaflet_text(title, topic, &variant)).unwrap();
        assert_eq!(slice_of(name, 3), SLICES[i], "{name}'s slice");
    }
    folder
}

fn build_cmd(leaflets: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"));
    cmd.env("AUDIO_LEAFLET_VOICES", NO_VOICES)
        .env("SOURCE_DATE_EPOCH", DATE)
        .arg("build")
        .arg(leaflets)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--report", "json"])
        .args(FAKE_VOICE)
        .args(extra);
    cmd
}

fn spawn_shard(leaflets: &Path, out: &Path, shard: &str) -> Child {
    build_cmd(leaflets, out, &["--shard", shard, "--jobs", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Wait for a shard; it must succeed. Returns its report.
fn finished(child: Child) -> serde_json::Value {
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn index(out: &Path) {
    let o = bin().arg("index").arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// One process, the whole batch, then the catalogue: what shards must match.
fn one_process(leaflets: &Path, out: &Path) {
    let o = build_cmd(leaflets, out, &[]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    index(out);
}

/// Every file under `out`, by path, except the locks: the folder lock holds
/// the id of the last process that held it alone, and only shards make
/// per-leaflet lock files; both coordinate writers and are never output.
/// Nor the records of what each package was built from
/// (`.audio-leaflet/built/`): they hold the package files' modification
/// times, to let a rebuild with nothing changed leave them alone, and those
/// times differ between any two builds. With `killed`, also except temporary files in the cache: a writer killed
/// between writing and renaming leaves one; no lookup reads them and
/// `clean` removes them. Anywhere else a temporary file is a failure.
fn tree(out: &Path, killed: bool) -> BTreeMap<String, Vec<u8>> {
    let mut files: BTreeMap<String, Vec<u8>> = files_under(out)
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.retain(|name, _| {
        let cache_tmp = name.starts_with(".audio-leaflet/cache/.tmp-");
        let bookkeeping = name == ".audio-leaflet/lock"
            || name.starts_with(".audio-leaflet/locks/")
            || name.starts_with(".audio-leaflet/built/");
        let left_by_a_kill = killed && cache_tmp;
        !(bookkeeping || left_by_a_kill)
    });
    files
}

/// The files that differ between two trees, for a readable failure.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut names: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    names.dedup();
    names
}

fn assert_same(sharded: &Path, reference: &Path, killed: bool) {
    let (got, want) = (tree(sharded, killed), tree(reference, false));
    assert!(
        want.len() > 7 * 10,
        "the reference has packages and a cache"
    );
    assert!(
        want.contains_key("catalogue.json") && want.contains_key("index.html"),
        "index wrote the catalogue"
    );
    let differ = differences(&got, &want);
    assert!(differ.is_empty(), "differ from one process: {differ:?}");
}

fn check_passes(out: &Path) {
    let o = bin().arg("check").arg(out).output().unwrap();
    assert!(
        o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr)
    );
}

fn slugs(report: &serde_json::Value) -> Vec<String> {
    report["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["slug"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_shards_at_once_write_what_one_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = write_batch(dir.path());
    let reference = dir.path().join("one");
    one_process(&leaflets, &reference);

    let out = dir.path().join("sharded");
    let shards: Vec<Child> = ["1/3", "2/3", "3/3"]
        .iter()
        .map(|k| spawn_shard(&leaflets, &out, k))
        .collect();
    let reports: Vec<serde_json::Value> = shards.into_iter().map(finished).collect();
    assert_eq!(
        slugs(&reports[0]),
        ["cholesterol-tests", "knee-injection-2"]
    );
    assert_eq!(
        slugs(&reports[1]),
        ["asthma-inhalers", "gout", "knee-injection"]
    );
    assert_eq!(slugs(&reports[2]), ["bunion-surgery", "hernia-repair"]);
    index(&out);
    assert_same(&out, &reference, false);
    check_passes(&out);
}

/// A lock held as a shard holds a leaflet's lock: the shard that owns the
/// leaflet waits at it, so it cannot finish until the lock is let go.
fn hold_leaflet(out: &Path, slug: &str) -> File {
    let path = out.join(audio_leaflet::build::LEAFLET_LOCKS).join(slug);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = File::create(&path).unwrap();
    file.lock().unwrap();
    file
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Whether a package is in place, or (`staging`) being staged.
fn appeared(out: &Path, slug: &str, staging: bool) -> bool {
    if out.join(slug).join("manifest.json").exists() {
        return true;
    }
    let prefix = format!(".staging-{slug}-");
    staging
        && std::fs::read_dir(out)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            })
            .unwrap_or(false)
}

fn sigkill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL on Unix: no chance to tidy up
    child.wait().unwrap();
}

#[test]
fn shards_killed_mid_way_and_run_again_write_what_one_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = write_batch(dir.path());
    let reference = dir.path().join("one");
    one_process(&leaflets, &reference);

    // Shards 2 and 3 each wait at one of their leaflets, so whenever they
    // are killed they are mid-way through their slice: shard 2 once one of
    // its other leaflets is in place (the third may be half made), shard 3
    // as soon as its other leaflet is being staged (or, on a quick machine,
    // is in place).
    let out = dir.path().join("sharded");
    let held = [
        hold_leaflet(&out, "gout"),
        hold_leaflet(&out, "hernia-repair"),
    ];
    let first = spawn_shard(&leaflets, &out, "1/3");
    let second = spawn_shard(&leaflets, &out, "2/3");
    let third = spawn_shard(&leaflets, &out, "3/3");
    wait_for("a package of shard 3", || {
        appeared(&out, "bunion-surgery", true)
    });
    sigkill(third);
    wait_for("a package of shard 2", || {
        appeared(&out, "asthma-inhalers", false) || appeared(&out, "knee-injection", false)
    });
    sigkill(second);
    finished(first);
    assert!(!out.join("gout").exists() && !out.join("hernia-repair").exists());
    drop(held);

    let again: Vec<Child> = ["2/3", "3/3"]
        .iter()
        .map(|k| spawn_shard(&leaflets, &out, k))
        .collect();
    for report in again.into_iter().map(finished) {
        assert!(report["leaflets"].as_array().unwrap().len() >= 2);
    }
    index(&out);
    assert_same(&out, &reference, true);
    check_passes(&out);
}

/// Every cache entry whole: its description reads, and its audio is a WAV
/// exactly as long as the description says.
fn assert_cache_whole(out: &Path) -> usize {
    let cache = out.join(audio_leaflet::build::CACHE_DIR);
    let mut entries = 0;
    for entry in std::fs::read_dir(&cache).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".tmp-"),
            "a temporary file is left: {name}"
        );
        let Some(key) = name.strip_suffix(".json") else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let e: audio_leaflet::build::cache::Entry = serde_json::from_str(&text).unwrap();
        let wav = hound::WavReader::open(cache.join(format!("{key}.wav"))).unwrap();
        assert_eq!(u64::from(wav.duration()), e.samples, "{key}");
        entries += 1;
    }
    entries
}

#[test]
fn two_shards_narrating_the_same_chapters_at_once_keep_the_cache_whole() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("leaflets");
    std::fs::create_dir_all(&folder).unwrap();
    // One knee leaflet in each of two slices, with three chapters the same.
    for (name, variant) in [
        ("knee-injection-again.md", "First."),
        ("knee-injection.md", "Second."),
    ] {
        std::fs::write(
            folder.join(name),
            leaflet_text("Knee injection", "knee", variant),
        )
        .unwrap();
    }
    assert_ne!(
        slice_of("knee-injection.md", 2),
        slice_of("knee-injection-again.md", 2)
    );
    let reference = dir.path().join("one");
    one_process(&folder, &reference);
    let entries = assert_cache_whole(&reference);
    // A few rounds, each in a fresh folder, for the narrations to overlap.
    for round in 0..3 {
        let out = dir.path().join(format!("round-{round}"));
        let shards: Vec<Child> = ["1/2", "2/2"]
            .iter()
            .map(|k| spawn_shard(&folder, &out, k))
            .collect();
        for report in shards.into_iter().map(finished) {
            assert_eq!(slugs(&report).len(), 1);
        }
        assert_eq!(assert_cache_whole(&out), entries);
        index(&out);
        assert_same_small(&out, &reference);
    }
}

fn assert_same_small(sharded: &Path, reference: &Path) {
    let differ = differences(&tree(sharded, false), &tree(reference, false));
    assert!(differ.is_empty(), "differ from one process: {differ:?}");
}

#[test]
fn a_shard_is_checked_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = write_batch(dir.path());
    let out = dir.path().join("out");
    for bad in ["0/3", "4/3", "2", "x/3"] {
        let o = build_cmd(&leaflets, &out, &["--shard", bad])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains(&format!("--shard {bad}:")), "{stderr}");
        assert!(!out.exists(), "nothing written for {bad}");
    }
    // A slice with none of the leaflets does nothing, successfully.
    let one = leaflets.join("gout.md");
    let o = build_cmd(&one, &out, &["--shard", "1/3"]).output().unwrap();
    assert!(o.status.success());
    assert!(!out.exists());
}

#[test]
fn index_lists_every_package_and_names_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let leaflets = write_batch(dir.path());
    let out = dir.path().join("out");
    let o = build_cmd(&leaflets.join("gout.md"), &out, &[])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = build_cmd(&leaflets.join("asthma.md"), &out, &["--formats", "html"])
        .output()
        .unwrap();
    assert!(o.status.success());
    std::fs::create_dir(out.join("notes")).unwrap(); // staff's, not a package
    index(&out);
    let catalogue: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalogue.json")).unwrap()).unwrap();
    let listed = catalogue["packages"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["slug"], "asthma-inhalers");
    assert_eq!(listed[0]["links"]["player"], "asthma-inhalers/index.html");
    assert!(
        listed[0]["links"].get("zip").is_none(),
        "not built: not linked"
    );
    assert_eq!(listed[1]["title"], "Gout");
    assert_eq!(listed[1]["chapters"], 4);
    assert_eq!(listed[1]["date"], "2026-03-04");
    assert_eq!(listed[1]["links"]["zip"], "gout/leaflet.zip");
    assert_eq!(listed[1]["links"]["audio"], "gout/leaflet.mp3");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("<a href=\"gout/index.html\">Gout</a>"),
        "{page}"
    );

    std::fs::write(out.join("gout/manifest.json"), "{ not json").unwrap();
    let o = bin().arg("index").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "a broken package fails the index");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("gout/manifest.json") && said.contains("build that leaflet again"));
    let catalogue: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("catalogue.json")).unwrap()).unwrap();
    assert_eq!(catalogue["packages"].as_array().unwrap().len(), 1);
    assert_eq!(catalogue["problems"][0]["slug"], "gout");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<code>gout</code>"), "{page}");

    let o = bin()
        .arg("index")
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
}
