use clap::Parser;

fn main() {
    audio_leaflet::alloc::hand_back_large_buffers();
    let cli = audio_leaflet::cli::Cli::parse();
    match audio_leaflet::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            let interrupted = matches!(
                e.downcast_ref::<audio_leaflet::Error>(),
                Some(audio_leaflet::Error::Interrupted)
            );
            std::process::exit(if interrupted { 130 } else { 2 });
        }
    }
}
