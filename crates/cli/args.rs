//! Command-line arguments, and the one place stage configurations are built.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use thresh_clean::{CleanConfig, Favor};

/// Turn scraped web and news pages into clean, deduplicated documents in SQLite.
#[derive(Debug, Parser)]
#[command(name = "thresh", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Worker threads (default: one per core). Results are identical for any value.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary; errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

impl Global {
    pub fn threads(&self) -> usize {
        self.threads.filter(|&n| n > 0).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, clean, deduplicate and store inputs (files, directories, `-` for stdin).
    Ingest(IngestArgs),
    /// Clean inputs and print them, without a database.
    Extract(ExtractArgs),
    /// Print documents, duplicates, removals by kind, errors, per run.
    Stats(StatsArgs),
    /// List duplicate clusters: each original with its exact and near duplicates and their similarity.
    Dups(StatsArgs),
}

/// How cleaning behaves (shared by ingest and extract).
#[derive(Debug, Args, Clone)]
pub struct CleanArgs {
    /// Trade precision against recall.
    #[arg(long, value_enum, default_value_t = FavorArg::Balanced)]
    pub favor: FavorArg,
    /// Keep user comments (in their own field), instead of dropping them.
    #[arg(long)]
    pub include_comments: bool,
    /// Extra boilerplate phrase rules (same format as crates/clean/rules/boilerplate.tsv); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Largest input accepted, in MiB (after decompression).
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_input_mib: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FavorArg {
    Precision,
    Balanced,
    Recall,
}

impl CleanArgs {
    pub fn clean_config(&self) -> CleanConfig {
        CleanConfig {
            favor: match self.favor {
                FavorArg::Precision => Favor::Precision,
                FavorArg::Balanced => Favor::Balanced,
                FavorArg::Recall => Favor::Recall,
            },
            include_comments: self.include_comments,
            rule_files: self.rules.iter().map(|p| p.to_string_lossy().into_owned()).collect(),
            ..CleanConfig::default()
        }
    }

    pub fn load_config(&self) -> thresh_fetch::LoadConfig {
        thresh_fetch::LoadConfig { max_bytes: self.max_input_mib << 20 }
    }
}

/// Duplicate detection options.
#[derive(Debug, Args, Clone)]
pub struct DedupArgs {
    /// Estimated Jaccard similarity (word 5-gram MinHash) at which a document is a near duplicate.
    #[arg(long, default_value_t = 0.8, value_name = "F")]
    pub near_threshold: f64,
    /// Only exact duplicates (no MinHash signatures are computed or stored).
    #[arg(long)]
    pub no_near_dups: bool,
}

impl DedupArgs {
    pub fn near_config(&self) -> anyhow::Result<Option<thresh_store::NearDupConfig>> {
        if !(self.near_threshold > 0.0 && self.near_threshold <= 1.0) {
            anyhow::bail!("--near-threshold must be in (0, 1], got {}", self.near_threshold);
        }
        Ok((!self.no_near_dups).then_some(thresh_store::NearDupConfig {
            threshold: self.near_threshold,
            confirm: crate::pipeline::confirm_near,
            max_bucket: 256,
        }))
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The SQLite database (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Files or directories to ingest; `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub clean: CleanArgs,
    #[command(flatten)]
    pub dedup: DedupArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Output format: one JSON object per line, or readable text.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Files or directories; `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub clean: CleanArgs,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The SQLite database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}
