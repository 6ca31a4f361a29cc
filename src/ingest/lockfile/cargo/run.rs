//! Running `cargo metadata`, and its errors told in one line with their position.

use std::path::Path;

use cargo_metadata::{Metadata, MetadataCommand};

use crate::model::{InputError, Position};

// ---------------------------------------------------------------------------
// Cargo.toml through cargo metadata
// ---------------------------------------------------------------------------

/// Why `cargo metadata` gave nothing.
pub(super) enum MetadataFailure {
    /// cargo could not be started (not on PATH).
    NoCargo(String),
    /// cargo ran and failed; its stderr.
    Failed(String),
}

impl MetadataFailure {
    pub(super) fn reason(&self) -> String {
        match self {
            MetadataFailure::NoCargo(e) => format!("cargo could not be run ({e})"),
            MetadataFailure::Failed(stderr) => {
                format!("cargo metadata failed: {}", first_error_line(stderr))
            }
        }
    }
}

pub(super) fn run_metadata(
    manifest: &Path,
    locked: bool,
    offline: bool,
    no_deps: bool,
    platform: Option<&str>,
) -> Result<Metadata, MetadataFailure> {
    let mut cmd = MetadataCommand::new();
    // cargo reads `.cargo/config.toml` and rustup reads `rust-toolchain.toml`
    // from the working directory up, not from the manifest's. Scanning from
    // inside an untrusted checkout must not let it choose the `rustc` that
    // `cargo metadata` runs (`build.rustc`) or a toolchain to install: run
    // cargo from a neutral directory, with the user's own configuration only.
    cmd.manifest_path(manifest)
        .current_dir(std::env::temp_dir())
        .env("CARGO_TERM_COLOR", "never");
    if no_deps {
        cmd.no_deps();
    }
    let mut options = Vec::new();
    if locked {
        options.push("--locked".to_string());
    }
    if offline {
        options.push("--offline".to_string());
    }
    if let Some(p) = platform {
        options.push("--filter-platform".to_string());
        options.push(p.to_string());
    }
    cmd.other_options(options);
    cmd.exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr } => MetadataFailure::Failed(stderr),
        cargo_metadata::Error::Io(io) => MetadataFailure::NoCargo(io.to_string()),
        other => MetadataFailure::Failed(other.to_string()),
    })
}

/// The platform cargo builds for here (`host:` of `cargo -vV`).
pub(super) fn host_platform() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .arg("-vV")
        .current_dir(std::env::temp_dir())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
}

/// Cargo's status lines (`Updating`, `Downloading`…) come before the error.
pub(super) fn error_lines(stderr: &str) -> impl Iterator<Item = &str> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(0);
    lines.into_iter().skip(start)
}

/// A line of a source snippet in cargo's messages (`  3 | name =`, `    |   ^`).
pub(super) fn is_snippet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('|')
        || t.starts_with('^')
        || t.starts_with("-->")
        || t.split_once(" |")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn strip_error_prefix(line: &str) -> &str {
    let t = line.trim();
    t.strip_prefix("error:").map(str::trim).unwrap_or(t)
}

pub(super) fn first_error_line(stderr: &str) -> String {
    error_lines(stderr)
        .map(strip_error_prefix)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
        .to_string()
}

/// Where cargo's message points: `--> FILE:LINE:COLUMN` (its diagnostics),
/// else `at line L, column C` (older TOML errors); with the file when named.
pub(super) fn location_in(stderr: &str) -> Option<(Option<String>, Position)> {
    for line in stderr.lines() {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else {
            continue;
        };
        let mut parts = rest.trim().rsplitn(3, ':');
        let (Some(col), Some(row), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(row), Ok(col)) = (row.parse(), col.parse()) {
            return Some((Some(file.to_string()), Position::line_col(row, col)));
        }
    }
    let at = stderr.find("at line ")?;
    let rest = &stderr[at + 8..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line: usize = digits.parse().ok()?;
    let rest = &rest[digits.len()..];
    let column = rest
        .trim_start_matches([',', ' '])
        .strip_prefix("column ")
        .and_then(|r| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        });
    Some((
        None,
        Position {
            line: Some(line),
            column,
            pointer: None,
        },
    ))
}

/// The input's error from cargo's stderr: its position when cargo points
/// into the manifest given, else the file and position in the message.
pub(super) fn cargo_error(stderr: &str, manifest: &Path) -> InputError {
    let mut message = format!("cargo metadata failed: {}", summarise_stderr(stderr));
    match location_in(stderr) {
        Some((Some(file), pos)) if std::fs::canonicalize(&file).is_ok_and(|f| f != manifest) => {
            message.push_str(&format!(" (in {file}, {pos})"));
            InputError::new(message)
        }
        Some((_, pos)) => InputError::at(message, pos),
        None => InputError::new(message),
    }
}

/// cargo's error as one line: the error and its causes, without source
/// snippets and without the position (given apart).
pub(super) fn summarise_stderr(stderr: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for line in error_lines(stderr) {
        let t = strip_error_prefix(line);
        if t.is_empty() || t == "Caused by:" || is_snippet(line) {
            continue;
        }
        if t.starts_with("TOML parse error at line") {
            continue;
        }
        if !parts.iter().any(|p| p == t) {
            parts.push(t.to_string());
        }
        if parts.len() == 4 {
            break;
        }
    }
    if parts.is_empty() {
        return "no message".into();
    }
    let mut s = parts.join(": ");
    if s.len() > 400 {
        let cut = (0..=400)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}
