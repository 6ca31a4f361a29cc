//! An output must never overwrite something the command reads: `-o
//! bom.cdx.json bom.cdx.json` would replace the SBOM with its own report.
//! Files are compared by device and inode, so a symlink, a hard link or
//! another spelling of the path is caught too.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// An error naming the first output that is one of the `read` files
/// (each with what it is: "input", "policy"…). Outputs that do not exist yet are fine.
pub fn refuse_overwriting(outputs: &[&Path], read: &[(&Path, &str)]) -> Result<(), String> {
    let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    for out in outputs {
        let Some(out_id) = id(out) else { continue };
        for (path, what) in read {
            if id(path) == Some(out_id) {
                return Err(format!(
                    "the output {} is the {what} {}: refusing to overwrite it",
                    out.display(),
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_under_any_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sbom = dir.path().join("bom.json");
        std::fs::write(&sbom, "{}").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&sbom, &link).unwrap();
        let hard = dir.path().join("hard.json");
        std::fs::hard_link(&sbom, &hard).unwrap();
        let dotted = dir.path().join(".").join("bom.json");
        for out in [&sbom, &link, &hard, &dotted] {
            let err = refuse_overwriting(&[out], &[(&sbom, "input")]).unwrap_err();
            assert!(err.contains("is the input"), "{err}");
        }
        let other = dir.path().join("report.json");
        assert!(
            refuse_overwriting(&[&other], &[(&sbom, "input")]).is_ok(),
            "a new file"
        );
        std::fs::write(&other, "old report").unwrap();
        assert!(
            refuse_overwriting(&[&other], &[(&sbom, "input")]).is_ok(),
            "an old report"
        );
    }
}
