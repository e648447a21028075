use clap::Parser;

fn main() {
    let cli = audio_leaflet::cli::Cli::parse();
    match audio_leaflet::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
