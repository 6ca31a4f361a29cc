//! The command line: `chainrisk scan`, `rules`, `diff`, `snapshot`, `cache` and `init`.
//!
//! Exit codes: 0 clean (or findings below `--fail-on`), 1 findings at or
//! above `--fail-on`, 2 usage error or an input that could not be read.

/// `eprintln!` for every line chainrisk writes to standard error: messages
/// quote file names, package names, versions and policy values from the
/// inputs, so the whole line goes through [`crate::model::untrusted::escape`]
/// and no quoted text can drive the terminal or forge a line.
macro_rules! stderr_line {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::model::untrusted::escape(&format!($($arg)*)))
    };
}

mod cache;
mod diff;
mod init;
mod output;
mod resolve;
mod rules;
mod same_file;
mod scan;
mod snapshot;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::model::Severity;
use crate::resolve::cache::CacheLocation;

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
    /// Largest document read whole (SBOM, lockfile, policy, baseline, snapshot), e.g. 2G, 512M
    #[arg(
        long,
        global = true,
        value_name = "SIZE",
        env = "CHAINRISK_MAX_INPUT_SIZE",
        default_value = "1G",
        value_parser = crate::model::document_read::parse_size
    )]
    pub max_input_size: u64,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan SBOMs and report component risk.
    Scan(ScanArgs),
    /// List the rules, or explain one.
    Rules(RulesArgs),
    /// Compare two JSON reports: components added, removed, changed; findings new, resolved, unchanged.
    Diff(DiffArgs),
    /// Export registry facts to a portable file for offline scans, or describe one.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// Inspect or empty the local cache of registry facts.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Write chainrisk.toml in the current directory: the default policy, commented.
    Init,
}

#[derive(Subcommand, Debug)]
pub enum SnapshotCommand {
    /// Write the registry facts of the inputs' packages (or, with no input, of the whole cache) to FILE.
    Export(SnapshotExportArgs),
    /// Describe a snapshot: format, age, packages per ecosystem.
    Info(SnapshotInfoArgs),
}

#[derive(clap::Args, Debug)]
pub struct SnapshotExportArgs {
    /// The snapshot file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// SBOMs, lockfiles, manifests or directories whose packages to resolve and export; none: export the whole cache.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
}

#[derive(clap::Args, Debug)]
pub struct SnapshotInfoArgs {
    /// The snapshot file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Age in days above which the snapshot is reported stale.
    #[arg(long, value_name = "DAYS", default_value_t = crate::resolve::DEFAULT_MAX_SNAPSHOT_AGE_DAYS)]
    pub max_age_days: i64,
}

#[derive(Subcommand, Debug)]
pub enum CacheCommand {
    /// Entries per ecosystem, size on disk, oldest and newest fetch.
    Stats(CacheArgs),
    /// Remove every entry.
    Clear(CacheArgs),
}

#[derive(clap::Args, Debug)]
pub struct CacheArgs {
    /// The cache: a file, or a postgres:// URL a fleet shares (default: the user's cache directory, chainrisk/cache.sqlite3).
    #[arg(long, value_name = "PATH|URL", env = "CHAINRISK_CACHE", value_parser = CacheLocation::parse)]
    pub cache: Option<CacheLocation>,
    /// With `clear`: remove only what was fetched longer ago than this many days.
    #[arg(long, value_name = "DAYS", value_parser = parse_days)]
    pub older_than: Option<f64>,
}

/// How registry facts are obtained: shared by `scan` and `snapshot export`.
#[derive(clap::Args, Debug, Clone)]
pub struct ResolveArgs {
    /// Make no network request: registry facts from the cache and snapshot only, and package managers run offline (`cargo metadata --offline`).
    #[arg(long)]
    pub offline: bool,
    /// The registry endpoint of an ecosystem (cargo: sparse index URL, npm: registry URL, pypi: index or JSON API URL, golang: module proxy URL, deb: archive root, deb-security: security archive root, apk: Alpine mirror root, rpm: an RPM repository's baseurl with $releasever/$basearch, repeatable); repeatable. Overrides CHAINRISK_REGISTRY_<ECO>, the policy and the package managers' configuration.
    #[arg(long = "registry", value_name = "ECO=URL")]
    pub registries: Vec<String>,
    /// The cache of registry facts: a file, or a postgres://USER@HOST:PORT/DB URL a fleet of scanners shares (default: the user's cache directory, chainrisk/cache.sqlite3; also `[cache] location` in chainrisk.toml).
    #[arg(long, value_name = "PATH|URL", env = "CHAINRISK_CACHE", value_parser = CacheLocation::parse)]
    pub cache: Option<CacheLocation>,
    /// Hours a cached fact is used without asking the registry again. A lookup that failed after its retries is not asked again for 10 minutes, or these hours if fewer.
    #[arg(long, value_name = "HOURS", default_value_t = 24.0, value_parser = parse_hours)]
    pub cache_ttl: f64,
    /// Use no cache: neither read nor write it.
    #[arg(long)]
    pub no_cache: bool,
    /// Requests in flight per registry.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Seconds before a registry request is given up (then retried).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// A PEM file of extra root certificates to trust for registries.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Also read files an input names (requirements `-r`/`-c` includes, files beside a lockfile) from inside DIR; by default only the input's own directory tree. Repeatable.
    #[arg(long = "include-root", value_name = "DIR")]
    pub include_roots: Vec<PathBuf>,
    /// An OpenPGP keyring (binary or armored) whose keys may sign a Debian suite's InRelease,
    /// besides apt's Signed-By and trusted keyrings, or an RSA public key in PEM that may sign
    /// an Alpine index, besides apk's keys/; repeatable. An index whose signature does not
    /// verify is not used.
    #[arg(long = "archive-keyring", value_name = "FILE")]
    pub archive_keyrings: Vec<PathBuf>,
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
    pub const ALL: [OutputFormat; 7] = [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
        OutputFormat::Sarif,
        OutputFormat::Cyclonedx,
        OutputFormat::Csv,
    ];

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

/// `--scope`: the components a scan judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanScope {
    /// Every component the inputs name.
    All,
    /// What is delivered: development and test dependencies are left out.
    Shipped,
}

/// Formats of `chainrisk rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    /// The catalogue as Markdown (what `docs/rules.md` is).
    Markdown,
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
    /// Registry facts from this snapshot first (see `chainrisk snapshot export`).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
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
    /// (one advisory per `.json` file). Repeatable. Enables UNM-01, UNM-06 and DEL-10.
    #[arg(long = "advisories", value_name = "DIR")]
    pub advisories: Vec<PathBuf>,
    /// Where the distributions' lifecycle data is read (distro-info-data's
    /// `usr/share/distro-info/*.csv`, Debian's `usr/share/debian-security-support/`):
    /// under this root, else the copy built into chainrisk; `bundled` uses only that copy,
    /// for reports that do not depend on the scanning machine. Feeds UNM-07 and UNM-08.
    #[arg(
        long,
        value_name = "ROOT|bundled",
        default_value = "/",
        env = "CHAINRISK_LIFECYCLE_DATA"
    )]
    pub lifecycle_data: String,
    /// Delivered products: do not hash the installed files against the digests their
    /// package databases recorded (skips DEL-09, which then is not evaluated).
    #[arg(long)]
    pub no_verify_files: bool,
    /// Container images with several platforms: the one to read, as OS/ARCH[/VARIANT]
    /// (e.g. linux/arm64). Default: the only one, else linux/amd64.
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,
    /// Which components to judge: `all`, or `shipped` to leave out development
    /// and test dependencies (npm devDependencies, Pipfile develop, dev
    /// requirements files, Cargo dev-dependencies).
    #[arg(long, value_enum, default_value_t = ScanScope::All, env = "CHAINRISK_SCOPE")]
    pub scope: ScanScope,
    /// Indent the JSON, SARIF and CycloneDX reports for people (each is one
    /// compact line by default; the content is the same).
    #[arg(long)]
    pub pretty: bool,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// A rule id (e.g. DEL-01) to explain in full.
    pub id: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Show thresholds and severities from this policy file (default:
    /// ./chainrisk.toml when it exists, else built-in defaults).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
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

fn parse_hours(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(h) if h.is_finite() && h >= 0.0 => Ok(h),
        _ => Err("expected a number of hours, 0 or more (e.g. 24 or 0.5)".to_string()),
    }
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
    crate::model::document_read::set_max_input_bytes(cli.max_input_size);
    let code = match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Snapshot(SnapshotCommand::Export(args)) => snapshot::export(&args),
        Command::Snapshot(SnapshotCommand::Info(args)) => snapshot::info(&args),
        Command::Cache(CacheCommand::Stats(args)) => cache::stats(&args),
        Command::Cache(CacheCommand::Clear(args)) => cache::clear(&args),
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
            crate::model::atomic_write::write_atomically(p, plain.as_bytes())
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

/// `--older-than DAYS`: a number of days, 0 or more (fractions allowed).
fn parse_days(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(d) if d.is_finite() && d >= 0.0 => Ok(d),
        _ => Err(format!("`{value}` is not a number of days (0 or more)")),
    }
}

#[cfg(test)]
mod tests {
    /// Standard error is written only through `stderr_line!`: a plain
    /// `eprintln!` would print input text (a file name, a package, a policy
    /// key) raw, escape sequences and all.
    #[test]
    fn every_stderr_line_goes_through_the_escaper() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
        let mut raw = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // Spelt in two halves so that this test does not find itself.
                let printing = [concat!("eprint", "ln!("), concat!("eprint", "!(")]
                    .iter()
                    .any(|m| code.contains(m));
                let the_macro = code.contains("$crate::model::untrusted::escape");
                if printing && !the_macro {
                    raw.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(raw.is_empty(), "use stderr_line!:\n{}", raw.join("\n"));
    }
}
