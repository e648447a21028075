//! `audio-leaflet say` against a real speech-dispatcher.
//!
//! Each test starts its own speech-dispatcher (its own configuration, socket
//! and logs in a temporary folder) whose only output module is sd_generic
//! running a shell command that appends what it is asked to say to a file,
//! with the voice and rate it was given to another: no sound card is needed,
//! and the test reads back exactly what reached the speech service. ALSA's
//! `null` device stands in for the sound output the daemon insists on.
//!
//! Needs Debian's speech-dispatcher (scripts/setup.sh installs it); run with
//! `cargo test --features desktop-voice --test say`. Without the feature,
//! only the answer of a build without the desktop voice is tested.

#[cfg(feature = "desktop-voice")]
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/say-wrist-splint.txt"
);

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("audio-leaflet").expect("the binary is built");
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[cfg(not(feature = "desktop-voice"))]
#[test]
fn without_the_feature_say_says_how_to_get_it() {
    let output = bin()
        .args(["say", FIXTURE, "--chapter", "2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("built without the desktop voice")
            && err.contains("cargo build --release --features desktop-voice"),
        "{err}"
    );
    let help = bin().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("say"));
}

#[cfg(feature = "desktop-voice")]
/// The words of a text, white space squeezed (the speech service may cut
/// long text into pieces at its punctuation).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(feature = "desktop-voice")]
/// What `audio-leaflet script` prints for the fixture.
fn script(extra: &[&str]) -> String {
    let output = bin()
        .arg("script")
        .arg(FIXTURE)
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[cfg(feature = "desktop-voice")]
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[cfg(feature = "desktop-voice")]
mod daemon {
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// A private speech-dispatcher, stopped when dropped.
    pub struct Daemon {
        child: Child,
        pub dir: tempfile::TempDir,
        pub socket: PathBuf,
        pub spoken: PathBuf,
        pub settings: PathBuf,
    }

    impl Daemon {
        /// Start one whose module records what it says; `after` is shell run
        /// after recording each piece (e.g. a `sleep`, to speak slowly).
        pub fn start(after: &str) -> Daemon {
            let dir = tempfile::Builder::new()
                .prefix("say-sd")
                .tempdir_in("/tmp")
                .unwrap();
            let root = dir.path();
            for sub in ["conf/modules", "run", "log", "cache"] {
                std::fs::create_dir_all(root.join(sub)).unwrap();
            }
            let socket = root.join("run/speechd.sock");
            let spoken = root.join("spoken.txt");
            let settings = root.join("settings.txt");
            std::fs::write(
                root.join("conf/speechd.conf"),
                format!(
                    r#"CommunicationMethod "unix_socket"
SocketPath "{socket}"
LogLevel 4
LogDir "{log}"
AudioOutputMethod "alsa"
AudioALSADevice "null"
AddModule "record" "sd_generic" "record.conf"
DefaultModule record
"#,
                    socket = socket.display(),
                    log = root.join("log").display(),
                ),
            )
            .unwrap();
            std::fs::write(
                root.join("conf/modules/record.conf"),
                format!(
                    r#"GenericExecuteSynth "printf '%s\\n' \'$DATA\' >> {spoken}; printf '%s %s\\n' '$VOICE' '$RATE' >> {settings}{after}"
GenericRateForceInteger 1
GenericLanguage "en" "en" "utf-8"
AddVoice "en" "MALE1" "recorder"
AddVoice "en" "FEMALE1" "other"
"#,
                    spoken = spoken.display(),
                    settings = settings.display(),
                ),
            )
            .unwrap();
            let log = |name: &str| std::fs::File::create(root.join("log").join(name)).unwrap();
            let child = Command::new("speech-dispatcher")
                .arg("--run-single")
                .args(["--timeout", "0"])
                .arg("--config-dir")
                .arg(root.join("conf"))
                .args(["--communication-method", "unix_socket"])
                .arg("--socket-path")
                .arg(&socket)
                .arg("--pid-file")
                .arg(root.join("run/pid"))
                .env("XDG_RUNTIME_DIR", root.join("run"))
                .env("XDG_CACHE_HOME", root.join("cache"))
                .stdin(Stdio::null())
                .stdout(log("stdout.txt"))
                .stderr(log("stderr.txt"))
                .spawn()
                .expect("speech-dispatcher runs (scripts/setup.sh installs it)");
            let mut daemon = Daemon {
                child,
                dir,
                socket,
                spoken,
                settings,
            };
            let deadline = Instant::now() + Duration::from_secs(15);
            while !daemon.socket.exists() {
                if let Some(status) = daemon.child.try_wait().unwrap() {
                    panic!("speech-dispatcher ended ({status}): {}", daemon.logs());
                }
                assert!(
                    Instant::now() < deadline,
                    "speech-dispatcher did not open its socket in 15 s: {}",
                    daemon.logs()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            daemon
        }

        /// The client's environment: this daemon, and no other started instead.
        pub fn client(&self, cmd: &mut assert_cmd::Command) {
            cmd.env(
                "SPEECHD_ADDRESS",
                format!("unix_socket:{}", self.socket.display()),
            )
            .env("SPEECHD_CMD", "/bin/false")
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"));
        }

        pub fn logs(&self) -> String {
            let mut out = String::new();
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join("log")) {
                for e in entries.flatten() {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    let tail: Vec<&str> = text.lines().rev().take(15).collect();
                    out.push_str(&format!("\n== {}\n", e.path().display()));
                    for line in tail.iter().rev() {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            out
        }
    }

    /// Ask for a clean exit (which stops its modules), then insist.
    impl Drop for Daemon {
        fn drop(&mut self) {
            let pid = self.child.id().to_string();
            let _ = signal("TERM", &pid);
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// `kill -SIG pid` by the shell's own `kill`, which every Debian has.
    pub fn signal(sig: &str, pid: &str) -> bool {
        Command::new("sh")
            .args(["-c", "kill -s \"$1\" \"$2\"", "sh", sig, pid])
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn path_of(p: &Path) -> String {
        p.display().to_string()
    }
}

#[cfg(feature = "desktop-voice")]
use daemon::Daemon;

#[cfg(feature = "desktop-voice")]
#[test]
fn one_chapter_reaches_speech_dispatcher() {
    let daemon = Daemon::start("");
    let mut cmd = bin();
    daemon.client(&mut cmd);
    let output = cmd
        .args(["say", FIXTURE, "--chapter", "2"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        stderr_of(&output),
        daemon.logs()
    );
    let expected = script(&["--chapter", "2"]);
    assert!(expected.contains("Don't take it off"), "{expected}");
    let spoken = read(&daemon.spoken);
    assert_eq!(words(&spoken), words(&expected), "{}", daemon.logs());
    // The chapter is announced on the terminal as it starts.
    assert!(
        stderr_of(&output).contains("Chapter 2: Why do I need a splint?"),
        "{}",
        stderr_of(&output)
    );
    // The service's own voice and rate: nothing was chosen.
    for line in read(&daemon.settings).lines() {
        assert_eq!(line, "recorder 0");
    }
}

#[cfg(feature = "desktop-voice")]
#[test]
fn the_whole_leaflet_in_a_chosen_voice_and_rate() {
    let daemon = Daemon::start("");
    let mut list = bin();
    daemon.client(&mut list);
    let listed = list.args(["say", "--list-voices"]).output().unwrap();
    assert!(listed.status.success(), "{}", stderr_of(&listed));
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.lines().any(|l| words(l) == "other en"),
        "the voices: {listed}"
    );

    let mut cmd = bin();
    daemon.client(&mut cmd);
    let output = cmd
        .args(["say", FIXTURE, "--voice", "other", "--rate", "300"])
        .arg("--no-pauses")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        stderr_of(&output),
        daemon.logs()
    );
    // Every chapter in order: the script less its chapter headings, with an
    // estimated listening time in the announcement.
    let expected: String = script(&[])
        .lines()
        .filter(|l| !l.starts_with("## Chapter"))
        .collect::<Vec<_>>()
        .join("\n");
    let (before, after) = expected.split_once("[listening time]").unwrap();
    let (before, after) = (words(before), words(after));
    let spoken = words(&read(&daemon.spoken));
    let time = spoken
        .strip_prefix(&before)
        .and_then(|s| s.strip_suffix(&after))
        .unwrap_or_else(|| panic!("spoken: {spoken}\nexpected: {expected}{}", daemon.logs()));
    assert!(
        ["less than a minute", "about 1 minute"].contains(&time.trim()),
        "the listening time: {time:?}"
    );
    let err = stderr_of(&output);
    for n in 1..=4 {
        assert!(err.contains(&format!("Chapter {n}: ")), "{err}");
    }
    let settings = read(&daemon.settings);
    assert!(!settings.is_empty());
    for line in settings.lines() {
        assert_eq!(line, "other 100", "the voice and the fastest rate");
    }

    let mut unknown = bin();
    daemon.client(&mut unknown);
    let output = unknown
        .args(["say", FIXTURE, "--voice", "nobody"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr_of(&output);
    assert!(
        err.contains("no system voice `nobody`") && err.contains("recorder"),
        "{err}"
    );
}

#[cfg(feature = "desktop-voice")]
#[test]
fn ctrl_c_stops_speech_promptly() {
    use std::process::Stdio;
    use std::time::Instant;

    // Each piece takes 20 s to say.
    let daemon = Daemon::start("; sleep 20");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_audio-leaflet"));
    cmd.args(["say", FIXTURE, "--chapter", "3"])
        .env(
            "SPEECHD_ADDRESS",
            format!("unix_socket:{}", daemon::path_of(&daemon.socket)),
        )
        .env("SPEECHD_CMD", "/bin/false")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while read(&daemon.spoken).is_empty() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("speech did not start in 15 s: {}", daemon.logs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let interrupted = Instant::now();
    let pid = child.id().to_string();
    assert!(daemon::signal("INT", &pid));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if interrupted.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("say did not stop within 5 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "stopping took {:?}",
        interrupted.elapsed()
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    // Only the chapter's title was said: the rest was never sent.
    assert_eq!(words(&read(&daemon.spoken)), "Looking after the splint");
}

#[cfg(feature = "desktop-voice")]
#[test]
fn an_unreachable_speech_service_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let output = bin()
        .args(["say", FIXTURE, "--chapter", "2"])
        .env(
            "SPEECHD_ADDRESS",
            format!("unix_socket:{}", dir.path().join("none.sock").display()),
        )
        .env("SPEECHD_CMD", "/bin/false")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr_of(&output);
    assert!(
        err.contains("cannot reach the speech service")
            && err.contains("apt-get install speech-dispatcher"),
        "{err}"
    );
}
