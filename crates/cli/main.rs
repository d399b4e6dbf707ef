//! `thresh`: scraped web and news pages in, clean deduplicated documents in
//! SQLite out. This file is glue: parse arguments, build every stage's
//! configuration in one place, run, map the outcome to an exit code.

/// `println!` for command output: when stdout is closed (`thresh stats |
/// head -1`) the command ends quietly with exit 0; another write error
/// ends it with that error. Only in functions returning `Result<_, Fatal>`.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($t)*) {
            return Err($crate::Fatal::output(e));
        }
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($t)*) {
            return Err($crate::Fatal::output(e));
        }
    }};
}

mod args;
mod extract;
mod ingest;
mod inspect;
mod manifest;
mod merge;
mod output;
mod pipeline;
mod reclean;
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

/// Stdout was closed by the reader: not an error.
#[derive(Debug)]
pub struct ClosedPipe;

impl std::fmt::Display for ClosedPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stdout closed")
    }
}

impl std::error::Error for ClosedPipe {}

impl Fatal {
    /// A failed write of command output.
    pub fn output(e: std::io::Error) -> Fatal {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fatal { code: exit::OK, error: ClosedPipe.into() }
        } else {
            Fatal { code: exit::FATAL, error: anyhow::Error::new(e).context("writing output") }
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal { code: exit::FATAL, error: e.into() }
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    pipeline::install_panic_hook();
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
        args::Command::Vacuum(a) => ingest::vacuum(a),
        args::Command::Merge(a) => merge::run(&cli.global, a, show_progress),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) if f.error.is::<ClosedPipe>() => ExitCode::from(f.code),
        Err(f) => {
            eprintln!("thresh: error: {}", one_line(&f.error));
            ExitCode::from(f.code)
        }
    }
}

/// An error and its causes on one line, each cause once: a cause that only
/// repeats what is already said (SQLite's "file is not a database" under
/// thresh's message that quotes it, then again as "Error code 26: file is
/// not a database") is left out.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let text = cause.to_string();
        let said = text.split_once(": ").filter(|(code, _)| code.starts_with("Error code ")).map_or(&*text, |(_, t)| t);
        if !out.contains(said) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    /// An error with a message and a cause.
    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);
    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for E {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
        }
    }

    #[test]
    fn causes_are_told_once() {
        let code = E("Error code 26: file is not a database", None);
        let sqlite = E("file is not a database", Some(Box::new(code)));
        let ours = E("x.db: not a usable thresh database: file is not a database", Some(Box::new(sqlite)));
        assert_eq!(one_line(&anyhow::Error::new(ours)), "x.db: not a usable thresh database: file is not a database");
        let e = anyhow::Error::new(std::io::Error::other("disk full")).context("run 3 aborted");
        assert_eq!(one_line(&e), "run 3 aborted: disk full");
    }
}
