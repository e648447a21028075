//! Hostile and broken input: every bad input gets one clear line naming the
//! file and saying what to do, a non-zero exit, and nothing written for it;
//! awkward but real input builds safely.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{FAKE_VOICE, bin, files_under, repo};

/// How a row's input file is made.
enum Make {
    Nothing,
    Folder,
    Bytes(Vec<u8>),
    Sparse(u64),
}

struct Row {
    name: &'static str,
    file: &'static str,
    make: Make,
    /// The whole error line, with `{}` for the input's path.
    error: &'static str,
}

/// A file with nothing to read but headings or page furniture.
const NO_TEXT: &str = "error: `{}` has no text to read, only headings, page numbers, bullets or pictures: check it is the leaflet itself (a web page must be saved with its text, for example as \"Web Page, complete\"; a scanned page needs OCR first)";

fn rows() -> Vec<Row> {
    let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
    wav.extend_from_slice(&[
        16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0,
    ]);
    wav.extend_from_slice(b"data\x00\x00\x00\x00");
    let mut headings = String::new();
    for i in 0..10_000 {
        headings.push_str(&format!("# Section {i}\n\nSome text for section {i}.\n\n"));
    }
    let mut unknown = b"Leaflet title\n\n".to_vec();
    for _ in 0..200 {
        unknown.extend_from_slice(b"\x81\x8d\x8f\x90\x9d ab ");
    }
    vec![
        Row {
            name: "missing file",
            file: "missing.txt",
            make: Make::Nothing,
            error: "error: cannot read `{}`: No such file or directory (os error 2) (check the path and that you may read the file)",
        },
        Row {
            name: "a folder with no leaflets",
            file: "empty-folder",
            make: Make::Folder,
            error: "error: `{}` is a folder with no leaflets in it (.pdf, .docx, .odt, .html, .md or .txt files): give leaflet files, or a folder that holds them",
        },
        Row {
            name: "empty file",
            file: "empty.txt",
            make: Make::Bytes(Vec::new()),
            error: "error: `{}` is empty: there is no leaflet text to read",
        },
        Row {
            name: "whitespace only",
            file: "blank.txt",
            make: Make::Bytes(b" \n\t\r\n  \n".to_vec()),
            error: "error: `{}` is empty: there is no leaflet text to read",
        },
        Row {
            name: "a saved web page whose text a script was to fill in",
            file: "knee-care.html",
            make: Make::Bytes(
                b"<!doctype html><html><head><title>Knee care - NHS</title><script src=\"app.js\"></script></head><body><div id=\"root\"></div><noscript><img src=\"logo.png\" alt=\"\"></noscript></body></html>".to_vec(),
            ),
            error: NO_TEXT,
        },
        Row {
            name: "bullets and page numbers only",
            file: "bullets.txt",
            make: Make::Bytes("\u{2022}\n\u{2022} \n\nPage 1 of 2\n".as_bytes().to_vec()),
            error: NO_TEXT,
        },
        Row {
            name: "headings only",
            file: "headings-only.md",
            make: Make::Bytes(b"# Knee care\n\n## What to do\n\n## When to call us\n".to_vec()),
            error: NO_TEXT,
        },
        Row {
            name: "a WAV passed by mistake",
            file: "chapter.wav",
            make: Make::Bytes(wav),
            error: "error: `{}` is a WAV sound file, not a leaflet: give the leaflet's text (.txt or .md)",
        },
        Row {
            name: "a PDF passed by mistake",
            file: "leaflet.pdf",
            make: Make::Bytes(
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n".to_vec(),
            ),
            error: "error: `{}` is a damaged PDF: it could not be read; save it again from the program that made it (or give the Word file or text) and try again (the parser said: failed parsing cross reference table)",
        },
        Row {
            name: "NUL bytes",
            file: "nul.txt",
            make: Make::Bytes(b"Leaflet\n\nSome text\x00 and more text.\n".to_vec()),
            error: "error: `{}` is not a text file: it holds binary data (NUL bytes); give the text of the leaflet, as .txt or .md",
        },
        Row {
            name: "invalid UTF-8 in an unknown encoding",
            file: "unknown.txt",
            make: Make::Bytes(unknown),
            error: "error: `{}` is in an encoding that is neither UTF-8 nor Windows-1252: save it as UTF-8 and try again",
        },
        Row {
            name: "a 50 MB file",
            file: "huge.txt",
            make: Make::Sparse(50_000_000),
            error: "error: `{}` is 50 MB, more than the 5 MB a leaflet can be: is it the right file?",
        },
        Row {
            name: "one 5 MB line",
            file: "one-line.txt",
            make: Make::Bytes(b"word ".repeat(1_000_000)),
            error: "error: `{}` has a line (line 1) of 5000000 characters, more than a leaflet's lines can be (100000): is this really the leaflet's text?",
        },
        Row {
            name: "10,000 headings",
            file: "headings.md",
            make: Make::Bytes(headings.into_bytes()),
            error: "error: `{}` has 10000 sections, more than the 500 a leaflet can have: split it into several leaflets",
        },
    ]
}

fn make(dir: &Path, row: &Row) -> PathBuf {
    let path = dir.join(row.file);
    match &row.make {
        Make::Nothing => {}
        Make::Folder => std::fs::create_dir(&path).unwrap(),
        Make::Bytes(b) => std::fs::write(&path, b).unwrap(),
        Make::Sparse(len) => std::fs::File::create(&path).unwrap().set_len(*len).unwrap(),
    }
    path
}

#[test]
fn each_bad_input_gets_its_error_a_failing_exit_and_nothing_written() {
    for row in rows() {
        let dir = tempfile::tempdir().unwrap();
        let input = make(dir.path(), &row);
        let out = dir.path().join("out");
        let o = bin()
            .arg("build")
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .args(FAKE_VOICE)
            .output()
            .unwrap();
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert_eq!(o.status.code(), Some(1), "{}: {stderr}", row.name);
        let expected = row.error.replace("{}", &input.display().to_string());
        assert_eq!(stderr.trim_end(), expected, "{}", row.name);
        assert!(!out.exists(), "{}: nothing is written", row.name);
    }
}

#[test]
fn a_bad_input_in_a_batch_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let bad: Vec<PathBuf> = rows().iter().map(|r| make(dir.path(), r)).collect();
    let out = dir.path().join("out");
    let o = bin()
        .arg("build")
        .args(&bad)
        .arg(repo("examples/carpal-tunnel.txt"))
        .args(["--quiet", "--report", "json", "--out"])
        .arg(&out)
        .args(FAKE_VOICE)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let oks: Vec<bool> = report["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(oks.iter().filter(|ok| **ok).count(), 1);
    assert_eq!(oks.len(), rows().len() + 1);
    assert!(out.join("carpal-tunnel-release/manifest.json").exists());
}

/// A batch's lines are printed as it goes, a window of leaflets at a time
/// (four with one job), in the order of the inputs: each bad file's error
/// with its name, then the good leaflet's line. With `--quiet` only the
/// errors are printed, at the end.
#[test]
fn a_batch_prints_each_leaflet_in_order_and_quiet_keeps_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad: Vec<PathBuf> = rows().iter().map(|r| make(dir.path(), r)).collect();
    assert!(bad.len() > 8, "the batch spans several windows");
    let good = repo("examples/carpal-tunnel.txt");
    for quiet in [false, true] {
        let out = dir.path().join(format!("out-{quiet}"));
        let mut cmd = bin();
        cmd.arg("build")
            .args(&bad)
            .arg(&good)
            .args(["--jobs", "1", "--out"])
            .arg(&out)
            .args(FAKE_VOICE);
        if quiet {
            cmd.arg("--quiet");
        }
        let o = cmd.output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&o.stderr);
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("built "))
            .collect();
        let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, bad.len(), "{stderr}");
        for (line, path) in lines.iter().zip(&bad) {
            assert!(
                line.starts_with("error: ")
                    && line.contains(path.file_name().unwrap().to_str().unwrap()),
                "{line} should name {}",
                path.display()
            );
        }
        let last = lines.last().copied().unwrap_or_default();
        if quiet {
            assert_eq!(lines.len(), bad.len(), "{stderr}");
        } else {
            assert_eq!(lines.len(), bad.len() + 1, "{stderr}");
            assert!(
                last.starts_with("built ") && last.contains("carpal-tunnel"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn options_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("bad.toml");
    std::fs::write(&lexicon, "[say]\nfine = \"ok\"\n\nbroken = [\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--voice", "nobody"],
            "error: unknown voice `nobody`: run `audio-leaflet voices` to see the voices available",
        ),
        (
            &["--lang", "english"],
            "error: --lang english: give a two-letter language code such as en or es",
        ),
        (&["--jobs", "0"], "error: --jobs must be at least 1"),
        (
            &["--rate", "20"],
            "error: --rate 20 is out of range: use between 80 and 300 words per minute",
        ),
        (
            &["--formats", "mp3"],
            "error: unknown format `mp3`: choose from audio, m3u8, daisy, html, joined, epub, m4b, zip, manifest",
        ),
        (
            &["--lexicon", lexicon.to_str().unwrap()],
            &format!("error: lexicon `{}`, line 4, column 11:", lexicon.display()),
        ),
    ];
    for (args, expected) in cases {
        refused_before_any_work(args, expected, &mut bin());
    }
    let bad_jobs = bin()
        .args(["build", "x.txt", "--jobs", "many"])
        .output()
        .unwrap();
    assert!(!bad_jobs.status.success());
    assert!(
        String::from_utf8_lossy(&bad_jobs.stderr).contains("invalid value 'many' for '--jobs <N>'")
    );
}

/// A language no voice speaks is only known to be one once espeak-ng has
/// listed its voices.
#[test]
#[ignore = "needs espeak-ng (apt): scripts/test.sh runs it"]
fn a_language_no_voice_speaks_is_refused_before_any_work() {
    let mut cmd = bin();
    cmd.env_remove(audio_leaflet::synth::ESPEAK_PROGRAM_ENV);
    refused_before_any_work(
        &["--lang", "xx"],
        "error: no voice speaks language `xx`",
        &mut cmd,
    );
}

/// A build of the example leaflet with `args` fails at once with exit code
/// 2 and one line that starts with `expected`, writing nothing.
fn refused_before_any_work(args: &[&str], expected: &str, cmd: &mut assert_cmd::Command) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = cmd
        .arg("build")
        .arg(repo("examples/carpal-tunnel.txt"))
        .arg("--out")
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
    assert!(!out.exists(), "{args:?}: rejected before any work");
}

#[test]
fn awkward_titles_build_safely_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let long = "Why ".to_string() + &"very ".repeat(400) + "long?";
    let awkward = dir.path().join("awkward.txt");
    std::fs::write(
        &awkward,
        "../../etc/passwd & <script>\"Fish\" 'n' chips 🩺 עברית العربية\n\nIntro text for the leaflet, long enough to read as prose.\n\nWard <B> & \"C\" / ../ward\nMore text about the ward, long enough to read as prose.\n",
    )
    .unwrap();
    let long_md = dir.path().join("long.md");
    std::fs::write(
        &long_md,
        format!("# Long\n\nIntro.\n\n## {long}\n\nAn answer.\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .arg("build")
        .arg(&awkward)
        .arg(&long_md)
        .args(["--quiet", "--report", "json", "--out"])
        .arg(&out)
        .args(FAKE_VOICE)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let packages: Vec<PathBuf> = report["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| PathBuf::from(l["output"].as_str().unwrap()))
        .collect();
    for package in &packages {
        assert_eq!(
            package.parent(),
            Some(out.as_path()),
            "the package is inside --out"
        );
        for f in std::fs::read_dir(package).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            assert!(name.is_ascii() && name.len() <= 64, "{name}");
            assert!(!name.contains(".."), "{name}");
        }
        let check = bin().arg("check").arg(package).output().unwrap();
        assert!(
            check.status.success(),
            "the XML and HTML parse: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    for entry in files_under(dir.path()) {
        let rel = entry.strip_prefix(dir.path()).unwrap();
        let ours = rel == Path::new("awkward.txt") || rel == Path::new("long.md");
        assert!(ours || rel.starts_with("out"), "{rel:?} escaped");
    }
    let manifest = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p.join("manifest.json")).unwrap()).unwrap()
    };
    let m = manifest(&packages[0]);
    assert_eq!(
        m["title"],
        "../../etc/passwd & <script>\"Fish\" 'n' chips 🩺 עברית العربية"
    );
    assert_eq!(m["chapters"][1]["title"], "Ward <B> & \"C\" / ../ward");
    let ncc = std::fs::read_to_string(packages[0].join("ncc.html")).unwrap();
    assert!(
        ncc.contains("&lt;script&gt;") && !ncc.contains("<script>"),
        "escaped in XML"
    );
    let page = std::fs::read_to_string(packages[0].join("index.html")).unwrap();
    assert!(page.contains("Ward &lt;B&gt; &amp;"), "escaped in HTML");
    let m = manifest(&packages[1]);
    assert_eq!(
        m["chapters"][1]["title"].as_str().unwrap(),
        long,
        "the long title is kept whole"
    );
}

/// A tmpfs of `size` mounted at `dir` (this workplace's machines and CI run
/// as root), unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mounting a tmpfs needs root: run the tests as CI does");
        Tmpfs(dir.to_path_buf())
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn package_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn build_into(input: &Path, out: &Path) -> std::process::Output {
    bin()
        .arg("build")
        .arg(input)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(FAKE_VOICE)
        .output()
        .unwrap()
}

#[test]
fn output_problems_are_clear_and_the_old_package_survives() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leaflet.txt");
    std::fs::copy(repo("examples/carpal-tunnel.txt"), &input).unwrap();

    // The output path is a file.
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let o = build_into(&input, &file);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap().trim_end(),
        format!(
            "error: the output folder `{}` is a file: give a folder with --out",
            file.display()
        )
    );

    // A full disk: the first build fits, the second does not.
    let mount = dir.path().join("small");
    let fs = Tmpfs::mount(&mount, "12m");
    let out = mount.join("out");
    assert!(build_into(&input, &out).status.success());
    let package = out.join("carpal-tunnel-release");
    let good = package_files(&package);
    let text = std::fs::read_to_string(&input).unwrap();
    std::fs::write(
        &input,
        text.replace("move your fingers often", "move every finger often"),
    )
    .unwrap();
    let free = {
        let o = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&mount)
            .output()
            .unwrap();
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
    };
    let filler = mount.join("filler");
    std::fs::File::create(&filler).unwrap().set_len(0).unwrap();
    let _ = Command::new("fallocate")
        .args(["-l", &(free - 300_000).to_string()])
        .arg(&filler)
        .status();
    let o = build_into(&input, &out);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(
        package_files(&package),
        good,
        "the previous package is intact"
    );
    let litter: Vec<PathBuf> = files_under(&out)
        .into_iter()
        .filter(|p| {
            p.to_string_lossy().contains(".tmp-") || p.to_string_lossy().contains(".staging-")
        })
        .collect();
    assert!(litter.is_empty(), "no partial files: {litter:?}");
    std::fs::remove_file(&filler).unwrap();

    // A folder that cannot be written (a read-only file system: root can
    // write anywhere else).
    fs.remount("ro");
    let o = build_into(&input, &out);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot write `") && stderr.contains("Read-only file system"),
        "{stderr}"
    );
    assert_eq!(package_files(&package), good);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let page = std::fs::read_to_string(repo("examples/carpal-tunnel.txt")).unwrap();
    std::fs::write(&big, format!("{page}\x0c").repeat(80)).unwrap();
    for args in [&["chapters", "--markdown"][..], &["script"][..]] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("audio-leaflet"))
            .env("AUDIO_LEAFLET_VOICES", crate::util::NO_VOICES)
            .args(args)
            .arg(&big)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read one line, as `| head -1` does, then close the pipe.
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert!(!first.is_empty());
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
