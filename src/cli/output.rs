//! Where reports go and how each format is rendered: one format to a file or
//! standard output, several formats into a directory, one file each.

use std::path::{Path, PathBuf};

use super::{LangArg, OutputFormat};
use crate::report::{self, Assessment, i18n::Lang, table};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

/// Decides where each requested format goes, before any work is done, so
/// a usage mistake costs nothing. Formats named twice are written once.
pub fn plan(
    formats: &[OutputFormat],
    output: Option<&Path>,
) -> Result<Vec<(OutputFormat, Target)>, String> {
    let mut unique: Vec<OutputFormat> = Vec::new();
    for f in formats {
        if !unique.contains(f) {
            unique.push(*f);
        }
    }
    let to_stdout = output.is_none_or(|p| p == Path::new("-"));
    if let [one] = unique.as_slice() {
        let target = match output {
            _ if to_stdout => Target::Stdout,
            Some(dir) if dir.is_dir() => Target::File(dir.join(one.file_name())),
            Some(file) => Target::File(file.to_path_buf()),
            None => Target::Stdout,
        };
        return Ok(vec![(*one, target)]);
    }
    let names: Vec<&str> = unique.iter().map(|f| f.name()).collect();
    if to_stdout {
        return Err(format!(
            "--format {} asks for {} reports, and standard output takes one: give -o DIR to write each as DIR/chainrisk-report.<ext>",
            names.join(","),
            unique.len()
        ));
    }
    let dir = output.unwrap_or(Path::new("."));
    // A new directory named like a report (`-o out.json`) is a mistake, not a directory.
    let report_like = dir.extension().is_some_and(|ext| {
        OutputFormat::ALL.iter().any(|f| {
            f.file_name()
                .ends_with(&format!(".{}", ext.to_string_lossy()))
        })
    });
    if !dir.exists() && report_like {
        return Err(format!(
            "-o {}: looks like a file name, and several formats ({}) are written into a directory, one file each: give -o DIR",
            dir.display(),
            names.join(",")
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "-o {}: is a file; with several formats ({}) -o names a directory",
            dir.display(),
            names.join(",")
        ));
    }
    Ok(unique
        .into_iter()
        .map(|f| (f, Target::File(dir.join(f.file_name()))))
        .collect())
}

pub struct RenderOptions {
    pub top: usize,
    pub lang: LangArg,
    /// JSON, SARIF and CycloneDX indented for people (`--pretty`).
    pub pretty: bool,
    pub color: super::ColorChoice,
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::En => Lang::En,
        LangArg::ZhCn => Lang::ZhCn,
    }
}

/// Writes `format` into `target` (its directory created first): JSON,
/// SARIF, CycloneDX and CSV are streamed as they are serialised, never held
/// whole; the others are rendered, then written (colour only on a terminal,
/// never in a file).
pub fn write(
    format: OutputFormat,
    a: &Assessment,
    target: &Target,
    opts: &RenderOptions,
) -> Result<(), String> {
    prepare(target)?;
    let text = match format {
        OutputFormat::Json => {
            return stream(target, |out| report::json::write_as(a, out, opts.pretty));
        }
        OutputFormat::Sarif => {
            return stream(target, |out| report::sarif::write(a, out, opts.pretty));
        }
        OutputFormat::Cyclonedx => {
            return stream(target, |out| report::cyclonedx::write(a, out, opts.pretty));
        }
        OutputFormat::Csv => return stream(target, |out| report::csv::write(a, out)),
        OutputFormat::Table => table::render(a, table::TableOptions { top: opts.top }),
        OutputFormat::Markdown => report::markdown::render(a, lang(opts.lang)),
        OutputFormat::Html => report::html::render(a, lang(opts.lang)),
    };
    let path = match target {
        Target::Stdout => None,
        Target::File(p) => Some(p.as_path()),
    };
    super::emit(&text, path, opts.color)
}

/// Runs `write` into the file (replaced whole, as every report file is) or
/// over a 1 MiB buffer into standard output (a closed pipe is quiet).
fn stream(
    target: &Target,
    write: impl Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    const BUFFER: usize = 1 << 20;
    match target {
        // The file writer buffers whole chunks itself.
        Target::File(path) => crate::model::atomic_write::write_with(path, write),
        Target::Stdout => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(BUFFER, stdout.lock());
            match write(&mut out).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write to standard output: {e}")),
            }
        }
    }
}

/// Creates the directory a report file goes into, when it is missing.
pub fn prepare(target: &Target) -> Result<(), String> {
    if let Target::File(p) = target
        && let Some(dir) = p.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_formats_refuse_a_new_file_like_name() {
        let dir = tempfile::tempdir().unwrap();
        let formats = [OutputFormat::Json, OutputFormat::Html];
        let e = plan(&formats, Some(&dir.path().join("out.json"))).unwrap_err();
        assert!(e.contains("looks like a file name"), "{e}");
        assert!(!dir.path().join("out.json").exists());
        // A directory that exists is used whatever its name; a new plain name is created.
        std::fs::create_dir(dir.path().join("reports.json")).unwrap();
        assert!(plan(&formats, Some(&dir.path().join("reports.json"))).is_ok());
        assert!(plan(&formats, Some(&dir.path().join("reports"))).is_ok());
    }

    #[test]
    fn one_format_goes_to_stdout_or_the_file() {
        let p = plan(&[OutputFormat::Json], None).unwrap();
        assert_eq!(p, vec![(OutputFormat::Json, Target::Stdout)]);
        let p = plan(&[OutputFormat::Json], Some(Path::new("-"))).unwrap();
        assert_eq!(p[0].1, Target::Stdout);
        let p = plan(&[OutputFormat::Sarif], Some(Path::new("out.sarif"))).unwrap();
        assert_eq!(p[0].1, Target::File("out.sarif".into()));
    }

    #[test]
    fn several_formats_need_a_directory() {
        let both = [OutputFormat::Json, OutputFormat::Csv, OutputFormat::Json];
        let e = plan(&both, None).unwrap_err();
        assert!(e.contains("json,csv") && e.contains("-o DIR"), "{e}");
        assert!(plan(&both, Some(Path::new("-"))).is_err());
        let p = plan(&both, Some(Path::new("reports"))).unwrap();
        assert_eq!(p.len(), 2, "json named twice is written once");
        assert_eq!(p[1].1, Target::File("reports/chainrisk-report.csv".into()));
    }
}
