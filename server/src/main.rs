//! `server`: runs the store, or one of its maintenance commands.

use std::process::ExitCode;

// A page render allocates and frees many small strings; with glibc's allocator
// that was about a quarter of the catalog's CPU time, and mimalloc serves the
// same pages about a fifth faster (see README, Benchmarks).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let command = match server::cli::Command::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}\n\n{}", server::cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match server::cli::run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
