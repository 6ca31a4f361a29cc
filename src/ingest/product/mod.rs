//! Delivered products read as delivered: a root filesystem as a directory
//! or as a tarball — its `os-release` and its package databases (dpkg,
//! apk, opkg, rpm). Each installed
//! package becomes a component with its release and source package; the
//! operating system is the primary component and contains them all.
//! Everything is read through a [`tree::Tree`], so no path leaves the root.

pub mod apk;
pub mod archive;
pub mod binary;
pub mod census;
pub mod dpkg;
pub mod dpkg_verify;
pub mod executable;
pub mod go_buildinfo;
pub mod image;
pub mod jar;
pub mod language;
pub mod node_modules;
pub mod opkg;
pub mod os_release;
pub mod package;
pub mod python_dist;
pub mod root_path;
pub mod rpm;
pub mod rpm_header;
pub mod squashfs;
pub mod stream_digests;
pub mod tree;

use std::collections::HashMap;
use std::path::Path;

use tree::Tree;

use super::ParsedDoc;
use crate::model::InputError;
use crate::model::{Component, DistroRelease, Ecosystem, FileVerification, Format};
use os_release::OsRelease;

/// Paths whose presence makes a directory a root filesystem.
const ROOT_MARKERS: &[&str] = &[
    "var/lib/dpkg/status",
    "var/lib/dpkg/status.d",
    "lib/apk/db/installed",
    "usr/lib/sysimage/rpm",
    "var/lib/rpm",
    "usr/lib/opkg/status",
    "etc/os-release",
    "usr/lib/os-release",
];

/// Largest package database or os-release file read (a real dpkg status of
/// a full desktop is a few megabytes).
pub(crate) const MAX_DATABASE_BYTES: u64 = 256 << 20;

/// Whether `dir` is the root of an installed system.
pub fn is_root_filesystem(dir: &Path) -> bool {
    ROOT_MARKERS
        .iter()
        .any(|m| root_path::resolve(dir, m).is_some_and(|p| p.exists()))
}

/// Reads a root filesystem directory (see [`read_tree`]).
pub fn read_root(root: &Path, verify_files: bool) -> Result<ParsedDoc, InputError> {
    let tree = tree::DirTree::new(root);
    let mut doc = read_tree(&tree, verify_files)?;
    doc.warnings.extend(tree.warnings());
    Ok(doc)
}

/// Reads a root filesystem tarball, streamed once (see [`archive`]), or a
/// container image archive, its layers applied in order (see [`image`]).
pub fn read_tarball(
    path: &Path,
    verify_files: bool,
    platform: Option<&str>,
) -> Result<ParsedDoc, InputError> {
    let tree = if image::is_image_archive(path) {
        image::read(path, platform)
    } else if squashfs::is_squashfs(path) {
        squashfs::read(path)
    } else {
        archive::ArchiveTree::open(path)
    }?;
    let mut doc = read_tree(&tree, verify_files)?;
    doc.warnings.splice(0..0, tree.warnings.iter().cloned());
    Ok(doc)
}

/// Reads an OCI image layout directory, its layers applied in order (see [`image`]).
pub fn read_layout(
    dir: &Path,
    verify_files: bool,
    platform: Option<&str>,
) -> Result<ParsedDoc, InputError> {
    let tree = image::read_layout(dir, platform)?;
    let mut doc = read_tree(&tree, verify_files)?;
    doc.warnings.splice(0..0, tree.warnings.iter().cloned());
    Ok(doc)
}

/// Reads a product's tree. Package databases chainrisk does not read yet are
/// named in a warning, never silently skipped. With `verify_files`, every
/// file the package databases recorded a digest for is compared (DEL-09), in parallel.
pub fn read_tree(root: &dyn Tree, verify_files: bool) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::RootFilesystem);
    let os = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|rel| match root.read(rel, MAX_DATABASE_BYTES) {
            Ok(Some(bytes)) => Some(OsRelease::parse(&String::from_utf8_lossy(&bytes))),
            Ok(None) => None,
            Err(e) => {
                doc.warnings.push(e.to_string());
                None
            }
        });
    let os = os.or_else(|| older_release_file(root));
    let release = os.as_ref().and_then(OsRelease::release);
    if os.is_none() {
        doc.warnings.push(
            "no os-release (etc/os-release, usr/lib/os-release): the release the packages were built for is unknown".to_string(),
        );
    }
    let os_ref = "os".to_string();
    let mut os_component = Component::named(
        os.as_ref()
            .and_then(|o| o.id.clone())
            .unwrap_or_else(|| "unknown".to_string()),
    );
    os_component.kind = Some("operating-system".to_string());
    os_component.version = os.as_ref().and_then(|o| o.version_id.clone());
    os_component.release = release.clone().map(Box::new);
    os_component.bom_ref = Some(os_ref.clone());
    os_component.root = true;
    let pointer = if os.is_some() { "etc/os-release" } else { "/" };
    doc.push(os_component, pointer.to_string(), None);
    doc.roots.push(os_ref.clone());
    doc.meta.primary = Some(os_ref.clone());
    doc.meta.subject_name = os
        .as_ref()
        .and_then(|o| o.name.clone().or_else(|| o.pretty_name.clone()));
    doc.meta.subject_version = os.as_ref().and_then(|o| o.version_id.clone());
    doc.meta.os_support_end = os.as_ref().and_then(|o| o.support_end.clone());

    let place = Placement {
        os_id: os.as_ref().and_then(|o| o.id.as_deref()),
        release: release.as_ref(),
        os_ref: &os_ref,
        verify_files,
    };
    let mut installed = Vec::new();
    for file in dpkg::status_files(root, MAX_DATABASE_BYTES) {
        match file {
            Ok((rel, text)) => {
                let read = dpkg::parse_status(&rel, &text);
                doc.warnings.extend(read.warnings);
                installed.extend(read.installed);
            }
            Err(e) => doc.warnings.push(e.to_string()),
        }
    }
    let diversions = dpkg_verify::Diversions::read(root);
    let mut read = place.add(
        &mut doc,
        (Ecosystem::Deb, "debian"),
        &installed,
        dpkg::Installed::package,
        |p| dpkg_verify::verify(root, p, &diversions),
    );
    let apk_installed = read_apk(root, &mut doc);
    read += place.add(
        &mut doc,
        (Ecosystem::Apk, "alpine"),
        &apk_installed,
        |p| p.package.clone(),
        |p| apk::verify(root, p),
    );
    let (opkg_installed, opkg_warnings) = opkg::read(root, MAX_DATABASE_BYTES);
    doc.warnings.extend(opkg_warnings);
    read += place.add(
        &mut doc,
        (Ecosystem::Opkg, "openwrt"),
        &opkg_installed,
        |(_, p)| p.clone(),
        |(p, _)| opkg::verify(root, p),
    );
    let (rpm_installed, rpm_warnings) = rpm::read(root, MAX_DATABASE_BYTES);
    doc.warnings.extend(rpm_warnings);
    read += place.add(
        &mut doc,
        (Ecosystem::Rpm, "redhat"),
        &rpm_installed,
        |p| p.package.clone(),
        |p| rpm::verify(root, p),
    );
    doc.meta.has_dependency_graph = read > 0;
    let owned = owned_files(
        root,
        &installed,
        &apk_installed,
        &opkg_installed,
        &rpm_installed,
    );
    let mut owners = census::owners(root, owned);
    let owner_dirs = language::add(root, &mut doc, &mut owners, &os_ref, verify_files);
    doc.meta.has_dependency_graph |= !doc.edges.is_empty();
    if verify_files {
        doc.meta.executables = Some(census::take(root, &owners, &owner_dirs, &mut doc, &os_ref));
    }
    Ok(doc)
}

/// Every file a package database lists, with the reference of its package.
fn owned_files(
    root: &dyn Tree,
    dpkg: &[dpkg::Installed],
    apk: &[apk::Installed],
    opkg: &[(dpkg::Installed, package::Package)],
    rpm: &[rpm::Installed],
) -> Vec<(String, String)> {
    let by_name = |eco: Ecosystem, packages: Vec<package::Package>| -> HashMap<String, String> {
        packages
            .iter()
            .map(|p| (p.name.clone(), p.reference(&eco)))
            .collect()
    };
    let mut out = Vec::new();
    let deb = by_name(
        Ecosystem::Deb,
        dpkg.iter().map(dpkg::Installed::package).collect(),
    );
    for dir in ["var/lib/dpkg/info", "var/lib/dpkg/status.d"] {
        out.extend(
            package::listed_files(root, dir)
                .into_iter()
                .filter_map(|(path, name)| Some((path, deb.get(&name)?.clone()))),
        );
    }
    let ipk = by_name(
        Ecosystem::Opkg,
        opkg.iter().map(|(_, p)| p.clone()).collect(),
    );
    out.extend(
        package::listed_files(root, "usr/lib/opkg/info")
            .into_iter()
            .filter_map(|(path, name)| Some((path, ipk.get(&name)?.clone()))),
    );
    for p in apk {
        let r = p.package.reference(&Ecosystem::Apk);
        out.extend(p.files.iter().map(|(path, _)| (path.clone(), r.clone())));
    }
    for p in rpm {
        let r = p.package.reference(&Ecosystem::Rpm);
        out.extend(p.files.iter().map(|f| (f.path.clone(), r.clone())));
    }
    out
}

/// Where a product's packages go: under its operating system, with its release.
struct Placement<'a> {
    os_id: Option<&'a str>,
    release: Option<&'a DistroRelease>,
    os_ref: &'a str,
    verify_files: bool,
}

impl Placement<'_> {
    /// Adds one database's packages as components of `ecosystem` (purl
    /// namespace: the os-release id, else `default_namespace`) and, with
    /// file verification on, each one's [`FileVerification`], checked in
    /// parallel. Returns how many were added.
    fn add<T: Sync>(
        &self,
        doc: &mut ParsedDoc,
        (ecosystem, default_namespace): (Ecosystem, &str),
        installed: &[T],
        package: impl Fn(&T) -> package::Package,
        verify: impl Fn(&T) -> Option<FileVerification> + Sync,
    ) -> usize {
        use rayon::prelude::*;
        let packages: Vec<package::Package> = installed.iter().map(package).collect();
        let first = package::add_packages(
            doc,
            ecosystem,
            &packages,
            self.os_id.unwrap_or(default_namespace),
            self.release,
            self.os_ref,
        );
        if self.verify_files {
            let checked: Vec<_> = installed.par_iter().map(&verify).collect();
            for (c, v) in doc.components[first..].iter_mut().zip(checked) {
                c.files = v.map(Box::new);
            }
        }
        packages.len()
    }
}

/// The release files systems wrote before os-release: Alpine's
/// `etc/alpine-release` (`3.19.1`), OpenWrt's `etc/openwrt_release`
/// (shell assignments `DISTRIB_ID`, `DISTRIB_RELEASE`).
fn older_release_file(root: &dyn Tree) -> Option<OsRelease> {
    let read = |rel: &str| {
        root.read(rel, MAX_DATABASE_BYTES)
            .ok()
            .flatten()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    if let Some(text) = read("etc/alpine-release") {
        let version = text.lines().next().unwrap_or("").trim().to_string();
        return Some(OsRelease {
            id: Some("alpine".to_string()),
            name: Some("Alpine Linux".to_string()),
            version_id: (!version.is_empty()).then_some(version),
            ..OsRelease::default()
        });
    }
    let text = read("etc/openwrt_release")?;
    let mut out = OsRelease::parse(
        &text
            .replace("DISTRIB_ID=", "ID=")
            .replace("DISTRIB_RELEASE=", "VERSION_ID="),
    );
    out.id.get_or_insert_with(|| "openwrt".to_string());
    out.name = Some("OpenWrt".to_string());
    Some(out)
}

/// apk's installed packages, when the root has an apk database.
fn read_apk(root: &dyn Tree, doc: &mut ParsedDoc) -> Vec<apk::Installed> {
    match root.read(apk::DATABASE, MAX_DATABASE_BYTES) {
        Ok(Some(bytes)) => {
            let read = apk::parse_installed(apk::DATABASE, &String::from_utf8_lossy(&bytes));
            doc.warnings.extend(read.warnings);
            read.installed
        }
        Ok(None) => Vec::new(),
        Err(e) => {
            doc.warnings.push(e.to_string());
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rootfs() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("usr/lib")).unwrap();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::create_dir_all(r.join("var/lib/dpkg")).unwrap();
        std::fs::write(
            r.join("usr/lib/os-release"),
            "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("../usr/lib/os-release", r.join("etc/os-release")).unwrap();
        std::fs::write(
            r.join("var/lib/dpkg/status"),
            "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u13\n\n\
             Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b8\nPre-Depends: libc6 (>= 2.36)\n",
        )
        .unwrap();
        root
    }

    #[test]
    fn a_debian_root_gives_its_packages_release_and_graph() {
        let root = rootfs();
        assert!(is_root_filesystem(root.path()));
        let doc = read_root(root.path(), true).unwrap();
        assert_eq!(doc.components.len(), 3);
        let libc = doc.by_ref("deb:libc6:amd64");
        assert_eq!(
            libc.purl.as_deref(),
            Some("pkg:deb/debian/libc6@2.36-9%2Bdeb12u13?arch=amd64&distro=debian-12")
        );
        assert_eq!(libc.source_package.as_ref().unwrap().name, "glibc");
        assert_eq!(
            libc.release.as_ref().unwrap().codename.as_deref(),
            Some("bookworm")
        );
        assert!(doc.has_edge("deb:bash:amd64", "deb:libc6:amd64"));
        assert!(doc.has_edge("os", "deb:bash:amd64"));
        assert!(
            !doc.has_edge("os", "deb:libc6:amd64"),
            "libc6 is depended on"
        );
        assert_eq!(
            doc.meta.subject_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)"),
            "no NAME: PRETTY_NAME"
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn a_directory_without_markers_is_not_a_root_and_unread_databases_are_named() {
        let plain = tempfile::tempdir().unwrap();
        assert!(!is_root_filesystem(plain.path()));
        let root = rootfs();
        std::fs::create_dir_all(root.path().join("var/lib/rpm")).unwrap();
        std::fs::write(root.path().join("var/lib/rpm/Packages"), b"\0\x06\x15\x61").unwrap();
        let doc = read_root(root.path(), true).unwrap();
        assert!(
            doc.warnings.iter().any(|w| w.starts_with(
                "var/lib/rpm/Packages: an rpm database in the Berkeley DB format, which chainrisk does not read"
            )),
            "{:?}",
            doc.warnings
        );
    }
}
