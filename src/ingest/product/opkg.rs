//! opkg's database of installed packages (OpenWrt and other embedded
//! systems): `usr/lib/opkg/status` in dpkg's format (Package, Version,
//! Depends, `Status: install user installed`, Conffiles with their MD5 or
//! SHA-256), and per package `usr/lib/opkg/info/<name>.control` (License,
//! Maintainer, SourceName) and `<name>.list` (the files it installed).
//! opkg records digests only for configuration files; DEL-09 checks those
//! and that every listed file is still there.

use super::dpkg::{self, Installed};
use super::dpkg_verify;
use super::package::Package;
use super::tree::Tree;
use crate::model::{FileVerification, SourcePackage};

pub const STATUS: &str = "usr/lib/opkg/status";
const INFO: &str = "usr/lib/opkg/info";

/// The installed packages with the fields their control files add, and
/// what could not be read.
pub fn read(tree: &dyn Tree, max_bytes: u64) -> (Vec<(Installed, Package)>, Vec<String>) {
    let text = match tree.read(STATUS, max_bytes) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => return (Vec::new(), Vec::new()),
        Err(e) => return (Vec::new(), vec![e.to_string()]),
    };
    let read = dpkg::parse_status(STATUS, &text);
    let mut warnings = read.warnings;
    let packages = read
        .installed
        .into_iter()
        .map(|installed| {
            let mut package = installed.package();
            let control = format!("{INFO}/{}.control", installed.name);
            match tree.read(&control, max_bytes) {
                Ok(Some(bytes)) => add_control(&mut package, &String::from_utf8_lossy(&bytes)),
                Ok(None) => {}
                Err(e) => warnings.push(e.to_string()),
            }
            (installed, package)
        })
        .collect();
    (packages, warnings)
}

/// What the control file says that the status file does not.
fn add_control(p: &mut Package, text: &str) {
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.trim() {
            "License" => p.licence = Some(value.to_string()),
            "Maintainer" => p.maintainer = Some(value.to_string()),
            // OpenWrt's `SourceName` is the source package; `Source` its path in the build tree.
            "SourceName" => {
                p.source = SourcePackage {
                    name: value.to_string(),
                    version: Some(p.version.clone()),
                }
            }
            _ => {}
        }
    }
}

/// The verification of one package: its conffiles' digests, and every path
/// of its `.list` present. `None` when opkg recorded neither.
pub fn verify(tree: &dyn Tree, pkg: &Installed) -> Option<FileVerification> {
    let list = tree
        .read(
            &format!("{INFO}/{}.list", pkg.name),
            super::MAX_DATABASE_BYTES,
        )
        .ok()
        .flatten();
    if list.is_none() && pkg.conffiles.is_empty() {
        return None;
    }
    let mut out = FileVerification {
        database: STATUS.to_string(),
        ..FileVerification::default()
    };
    for (file, digest) in &pkg.conffiles {
        dpkg_verify::check(tree, file, digest, &mut out, true);
    }
    if let Some(bytes) = list {
        for line in String::from_utf8_lossy(&bytes).lines() {
            let file = line.trim_end();
            if file.is_empty() || out.missing.iter().any(|m| m == file) {
                continue;
            }
            let shown = format!("/{}", file.trim_start_matches('/'));
            if !tree.exists_no_follow(&shown) {
                out.missing.push(shown);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_files_add_licence_maintainer_and_source() {
        let mut p = Package {
            name: "libustream-mbedtls20201210".into(),
            version: "2023.02.28~498f6e26-1".into(),
            ..Package::default()
        };
        add_control(
            &mut p,
            "Package: libustream-mbedtls20201210\nLicense: ISC\nSourceName: ustream-ssl\n\
             Source: package/libs/ustream-ssl\nMaintainer: Developer Name <dev@example.org>\n",
        );
        assert_eq!(p.licence.as_deref(), Some("ISC"));
        assert_eq!(p.source.name, "ustream-ssl");
        assert_eq!(
            p.maintainer.as_deref(),
            Some("Developer Name <dev@example.org>")
        );
    }
}
