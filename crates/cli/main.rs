//! `thresh`: scraped web and news pages in, clean deduplicated documents in
//! SQLite out. This file is glue: parse arguments, build every stage's
//! configuration in one place, run, map the outcome to an exit code.

mod args;
mod extract;
mod ingest;
mod inspect;
mod pipeline;
mod report;
mod site;
mod stats;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the cleaners allocate and free many small strings per line
/// (keys, paragraphs, removed segments), where glibc's allocator is slow.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes (documented in the README; cron acts on them).
pub mod exit {
    /// Everything went through.
    pub const OK: u8 = 0;
    /// The run finished, but some inputs failed (they are recorded).
    pub const INPUT_ERRORS: u8 = 1;
    /// Bad usage or configuration, or the database could not be used.
    pub const FATAL: u8 = 2;
    /// Another thresh run holds the database lock.
    pub const LOCKED: u8 = 3;
}

/// An error that ends the command with a specific exit code.
#[derive(Debug)]
pub struct Fatal {
    /// Exit code.
    pub code: u8,
    /// What to tell the user.
    pub error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal { code: exit::FATAL, error: e.into() }
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let show_progress = !cli.global.quiet && std::io::stderr().is_terminal();
    let result = match cli.command {
        args::Command::Ingest(a) => ingest::run(&cli.global, a, show_progress),
        args::Command::Refresh(a) => ingest::refresh(&cli.global, a, show_progress),
        args::Command::Extract(a) => extract::run(&cli.global, a, show_progress),
        args::Command::Stats(a) => stats::run(a),
        args::Command::Dups(a) => stats::dups(a),
        args::Command::Search(a) => inspect::search(a),
        args::Command::Show(a) => inspect::show(a),
        args::Command::Export(a) => inspect::export(a),
        args::Command::Runs(a) => inspect::runs(a),
        args::Command::Schema => inspect::schema(),
        args::Command::Report(a) => report::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("thresh: error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
