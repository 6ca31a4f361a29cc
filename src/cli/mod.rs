//! The command line: `chainrisk scan`, `chainrisk rules` and `chainrisk init`.
//!
//! Exit codes: 0 clean (or findings below `--fail-on`), 1 findings at or
//! above `--fail-on`, 2 usage error or an input that could not be read.

mod init;
mod rules;
mod scan;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::model::Severity;

#[derive(Parser, Debug)]
#[command(
    name = "chainrisk",
    version,
    about = "Supply-chain risk report for the components of a product, from its SBOMs",
    long_about = "chainrisk reads what a product is made of (CycloneDX or SPDX SBOMs) and flags the components that carry R&D, delivery and support risk: unmaintained, opaque, single-vendor or concentrated, weak delivery integrity, incomplete SBOM data.",
    after_help = "Exit codes: 0 clean or below --fail-on; 1 findings at or above --fail-on; 2 usage error or unreadable input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan SBOMs and report component risk.
    Scan(ScanArgs),
    /// List the rules, or explain one.
    Rules(RulesArgs),
    /// Write chainrisk.toml in the current directory: the default policy, commented.
    Init,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A concise summary for the terminal.
    Table,
    /// The full report (schema chainrisk.report/v1).
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// SBOMs (CycloneDX JSON/XML 1.2–1.7, SPDX 2.2/2.3 JSON or tag-value, SPDX 3.0 JSON-LD), lockfiles and manifests (Cargo, npm, yarn, pnpm, pip, Poetry, uv, Pipenv, Go), or directories holding them.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Make no network request: package managers run offline (`cargo metadata --offline`).
    #[arg(long)]
    pub offline: bool,
    /// Components listed in the terminal summary (0: all).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// When to colour terminal output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, env = "CHAINRISK_COLOR")]
    pub color: ColorChoice,
    /// Policy file (default: ./chainrisk.toml when it exists, else built-in defaults).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// An earlier JSON report: each finding is marked new or known by its fingerprint.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// With --fail-on: only findings new against --baseline count.
    #[arg(long, requires = "baseline")]
    pub only_new: bool,
    /// An advisory database directory: RustSec (`crates/<name>/RUSTSEC-*.md`) or OSV JSON
    /// (one advisory per `.json` file). Repeatable. Enables UNM-01 and UNM-06.
    #[arg(long = "advisories", value_name = "DIR")]
    pub advisories: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// A rule id (e.g. DEL-01) to explain in full.
    pub id: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Show thresholds and severities from this policy file (default:
    /// ./chainrisk.toml when it exists, else built-in defaults).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s)
        .ok_or_else(|| "expected one of critical, high, medium, low, info".to_string())
}

/// Exit code 2: usage errors and unreadable inputs.
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Init => init::run(),
    };
    ExitCode::from(code)
}

/// Writes `text` to `path`, or to standard output with colours as chosen.
fn emit(text: &str, path: Option<&std::path::Path>, color: ColorChoice) -> Result<(), String> {
    use std::io::Write;
    match path {
        Some(p) => {
            // Files never get colour codes.
            let plain = anstream::adapter::strip_str(text).to_string();
            std::fs::write(p, plain).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let choice = match color {
                ColorChoice::Auto => anstream::ColorChoice::Auto,
                ColorChoice::Always => anstream::ColorChoice::Always,
                ColorChoice::Never => anstream::ColorChoice::Never,
            };
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to standard output: {e}")),
            }
        }
    }
}
