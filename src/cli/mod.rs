//! The command line: `chainrisk scan`, `chainrisk rules` and `chainrisk diff`.
//!
//! Exit codes: 0 clean (or findings below `--fail-on`), 1 findings at or
//! above `--fail-on`, 2 usage error or an input that could not be read.

mod diff;
mod output;
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
    /// Compare two JSON reports: components added, removed, changed; findings new, resolved, unchanged.
    Diff(DiffArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum OutputFormat {
    /// A concise summary for the terminal.
    Table,
    /// The full report (schema chainrisk.report/v1).
    Json,
    /// The review report as Markdown.
    Markdown,
    /// The review report as one self-contained HTML file.
    Html,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
    /// The inventory as CycloneDX 1.6 JSON, findings attached as properties.
    Cyclonedx,
    /// Findings as CSV, one row each.
    Csv,
}

impl OutputFormat {
    /// The file name `-o DIR` gives this format.
    pub fn file_name(self) -> &'static str {
        match self {
            OutputFormat::Table => "chainrisk-report.txt",
            OutputFormat::Json => "chainrisk-report.json",
            OutputFormat::Markdown => "chainrisk-report.md",
            OutputFormat::Html => "chainrisk-report.html",
            OutputFormat::Sarif => "chainrisk-report.sarif",
            OutputFormat::Cyclonedx => "chainrisk-report.cdx.json",
            OutputFormat::Csv => "chainrisk-report.csv",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Html => "html",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Cyclonedx => "cyclonedx",
            OutputFormat::Csv => "csv",
        }
    }
}

/// Formats of `chainrisk rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

/// Formats of `chainrisk diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A concise summary for the terminal.
    Table,
    /// The diff as JSON (schema chainrisk.diff/v1).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Language of the human-readable reports (Markdown, HTML).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    #[default]
    #[value(name = "en")]
    En,
    #[value(name = "zh-CN", alias = "zh-cn", alias = "zh")]
    ZhCn,
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
    /// Output format, or several separated by commas (`json,html,sarif`, which need `-o DIR`).
    #[arg(
        short,
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "table",
        value_name = "FORMAT"
    )]
    pub format: Vec<OutputFormat>,
    /// Write the report to FILE (`-` for standard output); with several formats, a directory where each is written as chainrisk-report.<ext>.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Language of the Markdown and HTML reports.
    #[arg(long, value_enum, default_value_t = LangArg::En, value_name = "LANG")]
    pub lang: LangArg,
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
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// A rule id (e.g. DEL-01) to explain in full.
    pub id: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The earlier JSON report (`chainrisk scan --format json`).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Write the diff to FILE instead of standard output (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
        Command::Diff(args) => diff::run(&args),
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
