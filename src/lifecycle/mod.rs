//! Distribution lifecycle data: each release's support periods
//! (distro-info-data) and the packages whose security support ended early or
//! is limited (Debian's security-support lists). Read from the scanning
//! machine where its files are present, else from the copy built into
//! chainrisk (`data/`), whose date the report gives like an advisory
//! database's age. Unknown stays unknown: a release the data does not list
//! is not judged.

pub mod alpine_releases;
pub mod distro_info;
pub mod security_support;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use crate::model::{DistroRelease, Inventory, LifecycleData};
pub use distro_info::{Period, ReleaseLife};
pub use security_support::SupportEntry;

/// Date of the bundled copies (see `data/README.md`).
const BUNDLED_DISTRO_INFO_AS_OF: &str = "2026-04-25";
const BUNDLED_SECURITY_SUPPORT_AS_OF: &str = "2026-06-30";
/// The Debian release the bundled `security-support-limited` was published for.
const BUNDLED_LIMITED_FOR: &str = "12";

const BUNDLED_DISTRO_INFO: &[(&str, &str)] = &[
    ("debian", include_str!("data/debian.csv")),
    ("ubuntu", include_str!("data/ubuntu.csv")),
];
const BUNDLED_ENDED: &[(&str, &str)] = &[
    ("9", include_str!("data/security-support-ended.deb9")),
    ("10", include_str!("data/security-support-ended.deb10")),
    ("11", include_str!("data/security-support-ended.deb11")),
    ("12", include_str!("data/security-support-ended.deb12")),
];
const BUNDLED_LIMITED: &str = include_str!("data/security-support-limited");

/// Where the system keeps the files, relative to the root read.
const SYSTEM_DISTRO_INFO: &str = "usr/share/distro-info";
const SYSTEM_SECURITY_SUPPORT: &str = "usr/share/debian-security-support";

/// What a security-support list says about one source package in one release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecuritySupport<'a> {
    /// Support ended (on or before the scan date) or ends (after it).
    Ended {
        entry: &'a SupportEntry,
        evidence: &'a LifecycleData,
    },
    Limited {
        entry: &'a SupportEntry,
        evidence: &'a LifecycleData,
    },
}

/// The lifecycle data one scan reads.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    releases: Vec<(ReleaseLife, usize)>,
    /// Debian major version → its `ended` list and which data file it is.
    ended: BTreeMap<String, (Vec<SupportEntry>, usize)>,
    /// The `limited` list, the Debian release it is for, and its data file.
    limited: Option<(String, Vec<SupportEntry>, usize)>,
    /// Alpine branch (`3.20`) → when its `community` repository's support
    /// ends, and the data file (Alpine's releases.json, when given).
    alpine_community: BTreeMap<String, (Date, usize)>,
    /// The files read, in the order the report lists them.
    pub files: Vec<LifecycleData>,
    /// System files that could not be used (the bundled copy was used instead).
    pub warnings: Vec<String>,
}

impl Lifecycle {
    /// The built-in copies only: what a scan uses when told to ignore the system.
    pub fn bundled() -> Lifecycle {
        Lifecycle::load_from(None)
    }

    /// The files under `root` (normally `/`), each replaced by the bundled
    /// copy when absent or unreadable.
    pub fn load(root: &Path) -> Lifecycle {
        Lifecycle::load_from(Some(root))
    }

    fn load_from(root: Option<&Path>) -> Lifecycle {
        let mut lc = Lifecycle::default();
        for (distro, bundled) in BUNDLED_DISTRO_INFO {
            let file = format!("{distro}.csv");
            let system = root.map(|r| r.join(SYSTEM_DISTRO_INFO).join(&file));
            let (text, data) =
                read_or_bundled(system.as_deref(), &file, bundled, BUNDLED_DISTRO_INFO_AS_OF);
            let (parsed, data) = match distro_info::parse(distro, &data.path, &text) {
                Ok(p) => (p, data),
                Err(e) => {
                    lc.warnings.push(format!("{e}; using the bundled copy"));
                    let p = distro_info::parse(distro, &file, bundled).unwrap_or_default();
                    (p, bundled_data(&file, BUNDLED_DISTRO_INFO_AS_OF))
                }
            };
            let index = lc.push_file(data);
            for r in parsed {
                lc.releases.push((r, index));
            }
        }
        let system_limited_for = root.and_then(host_debian_version);
        for (version, bundled) in BUNDLED_ENDED {
            let file = format!("security-support-ended.deb{version}");
            let system = root.map(|r| r.join(SYSTEM_SECURITY_SUPPORT).join(&file));
            let (text, data) = read_or_bundled(
                system.as_deref(),
                &file,
                bundled,
                BUNDLED_SECURITY_SUPPORT_AS_OF,
            );
            let (list, data) = match security_support::parse_ended(&data.path, &text) {
                Ok(l) => (l, data),
                Err(e) => {
                    lc.warnings.push(format!("{e}; using the bundled copy"));
                    let l = security_support::parse_ended(&file, bundled).unwrap_or_default();
                    (l, bundled_data(&file, BUNDLED_SECURITY_SUPPORT_AS_OF))
                }
            };
            let index = lc.push_file(data);
            lc.ended.insert(version.to_string(), (list, index));
        }
        let file = "security-support-limited";
        let system = root.map(|r| r.join(SYSTEM_SECURITY_SUPPORT).join(file));
        let (text, data) = read_or_bundled(
            system.as_deref(),
            file,
            BUNDLED_LIMITED,
            BUNDLED_SECURITY_SUPPORT_AS_OF,
        );
        let for_release = if data.path == "bundled" {
            Some(BUNDLED_LIMITED_FOR.to_string())
        } else {
            system_limited_for
        };
        if let Some(for_release) = for_release {
            let index = lc.push_file(data);
            lc.limited = Some((for_release, security_support::parse_limited(&text), index));
        }
        if let Some(path) = std::env::var_os("CHAINRISK_ALPINE_RELEASES").filter(|p| !p.is_empty())
        {
            lc.load_alpine(Path::new(&path));
        }
        lc
    }

    /// Alpine's releases.json, as the project publishes it (see
    /// [`alpine_releases`]); a file that cannot be used is a warning.
    fn load_alpine(&mut self, path: &Path) {
        let shown = path.display().to_string();
        let (text, data) = read_or_bundled(Some(path), "releases.json", "", "");
        if data.path == "bundled" {
            self.warnings
                .push(format!("{shown}: cannot be read as Alpine's releases.json"));
            return;
        }
        match alpine_releases::parse(&shown, &text) {
            Ok(parsed) => {
                let index = self.push_file(data);
                for r in parsed.releases {
                    self.releases.push((r, index));
                }
                for (branch, end) in parsed.community_ends {
                    self.alpine_community.insert(branch, (end, index));
                }
            }
            Err(e) => self.warnings.push(e.to_string()),
        }
    }

    /// When an Alpine release's `community` repository stops being
    /// supported, and the data that says so; `None` when no data says.
    pub fn alpine_community_end(&self, r: &DistroRelease) -> Option<(Date, &LifecycleData)> {
        let version = r.version.as_deref()?;
        let branch: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
        self.alpine_community
            .get(&branch)
            .map(|(end, i)| (*end, &self.files[*i]))
    }

    fn push_file(&mut self, data: LifecycleData) -> usize {
        self.files.push(data);
        self.files.len() - 1
    }

    /// The release's published lifecycle, when the data lists it.
    pub fn release(&self, r: &DistroRelease) -> Option<(&ReleaseLife, &LifecycleData)> {
        self.releases
            .iter()
            .find(|(life, _)| names_release(life, r))
            .map(|(life, i)| (life, &self.files[*i]))
    }

    /// Fills a release's number from its codename and the other way round.
    pub fn complete(&self, r: &mut DistroRelease) {
        let Some((life, _)) = self.release(r) else {
            return;
        };
        if r.codename.is_none() && !life.codename.is_empty() {
            r.codename = Some(life.codename.clone());
        }
        if r.version.is_none() {
            r.version = life.version.clone();
        }
    }

    /// Each distribution's development series at `today`, where the data
    /// names one: the series not yet released whose release comes first
    /// (Ubuntu's next release). Debian's development suites (testing,
    /// unstable) are not in the data; the Debian client names them itself.
    pub fn development_series(&self, today: jiff::civil::Date) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, (jiff::civil::Date, String)> = BTreeMap::new();
        for (life, _) in &self.releases {
            let Some(released) = life.released.filter(|r| *r > today) else {
                continue;
            };
            let entry = out
                .entry(life.distro.to_ascii_lowercase())
                .or_insert((released, life.codename.clone()));
            if released < entry.0 {
                *entry = (released, life.codename.clone());
            }
        }
        out.into_iter()
            .filter(|(distro, _)| distro != "debian")
            .map(|(d, (_, c))| (d, c))
            .collect()
    }

    /// Adds the end of support a delivered product's os-release states
    /// (`SUPPORT_END`) for its release, when the distribution data does not
    /// list that release: the distribution's own date, written into the
    /// release it ships (Fedora writes it). Data that lists the release wins.
    pub fn add_product_support_ends(&mut self, inv: &Inventory) {
        for (i, d) in inv.documents.iter().enumerate() {
            let Some(end) = d
                .meta
                .os_support_end
                .as_deref()
                .and_then(|e| e.parse::<Date>().ok())
            else {
                continue;
            };
            let releases: Vec<DistroRelease> = inv
                .components
                .iter()
                .filter(|c| {
                    c.kind.as_deref() == Some("operating-system")
                        && c.locations.iter().any(|l| l.input == i)
                })
                .filter_map(|c| c.release.as_deref().cloned())
                .collect();
            for r in releases {
                if self.release(&r).is_some() {
                    continue;
                }
                let index = self.push_file(LifecycleData {
                    file: "os-release".to_string(),
                    path: format!("{}/etc/os-release", d.path.trim_end_matches('/')),
                    as_of: None,
                });
                self.releases.push((
                    ReleaseLife {
                        distro: r.distro.to_ascii_lowercase(),
                        version: r.version.clone(),
                        // Empty when the release has none: nothing to complete it with.
                        codename: r.codename.clone().unwrap_or_default(),
                        released: None,
                        periods: vec![(Period::Regular, end)],
                        lts: false,
                    },
                    index,
                ));
            }
        }
    }

    /// Completes every component's release (see [`Lifecycle::complete`]).
    pub fn complete_inventory(&self, inv: &mut Inventory) {
        for c in &mut inv.components {
            if let Some(r) = c.release.as_mut() {
                self.complete(r);
            }
        }
    }

    /// What Debian's security-support lists say about a source package, or
    /// `None` when the lists say nothing (or there is no list for the release).
    pub fn security_support(&self, r: &DistroRelease, source: &str) -> Option<SecuritySupport<'_>> {
        let major = debian_major(r)?;
        if let Some((list, i)) = self.ended.get(&major)
            && let Some(entry) = list.iter().find(|e| e.matches(source))
        {
            return Some(SecuritySupport::Ended {
                entry,
                evidence: &self.files[*i],
            });
        }
        let (for_release, list, i) = self.limited.as_ref()?;
        if *for_release != major {
            return None;
        }
        list.iter()
            .find(|e| e.matches(source))
            .map(|entry| SecuritySupport::Limited {
                entry,
                evidence: &self.files[*i],
            })
    }

    /// Whether there are security-support lists for the release at all.
    pub fn has_security_support_lists(&self, r: &DistroRelease) -> bool {
        debian_major(r).is_some_and(|m| self.ended.contains_key(&m))
    }
}

/// The Debian major version of a release (`12` for `12`, `12.4`), else `None`.
fn debian_major(r: &DistroRelease) -> Option<String> {
    if !r.distro.eq_ignore_ascii_case("debian") {
        return None;
    }
    r.version
        .as_deref()
        .map(|v| v.split('.').next().unwrap_or(v).to_string())
}

fn names_release(life: &ReleaseLife, r: &DistroRelease) -> bool {
    if !life.distro.eq_ignore_ascii_case(&r.distro) {
        return false;
    }
    let by_codename = r
        .codename
        .as_deref()
        .map(|c| c.eq_ignore_ascii_case(&life.codename));
    let by_version = r.version.as_deref().map(|v| match &life.version {
        // Debian point releases (`12.4`) belong to their major release,
        // Alpine's (`3.20.3`) to their branch (`3.20`).
        Some(lv) if life.distro == "debian" || life.distro == "alpine" => {
            v == lv || v.starts_with(&format!("{lv}."))
        }
        Some(lv) => v == lv,
        None => false,
    });
    match (by_codename, by_version) {
        (Some(a), Some(b)) => a && b,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => false,
    }
}

fn bundled_data(file: &str, as_of: &str) -> LifecycleData {
    LifecycleData {
        file: file.to_string(),
        path: "bundled".to_string(),
        as_of: Some(as_of.to_string()),
    }
}

/// The system file's text and description when it is a readable regular
/// file, else the bundled copy's.
fn read_or_bundled(
    system: Option<&Path>,
    file: &str,
    bundled: &str,
    as_of: &str,
) -> (String, LifecycleData) {
    // Lifecycle files are a few kilobytes; a larger one is not the real file.
    const MAX: u64 = 4 << 20;
    let from_system = system.and_then(|p| {
        let meta = std::fs::metadata(p)
            .ok()
            .filter(|m| m.is_file() && m.len() <= MAX)?;
        let text = std::fs::read_to_string(p).ok()?;
        let as_of = meta
            .modified()
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map(|t| jiff::tz::TimeZone::UTC.to_datetime(t).date().to_string());
        Some((
            text,
            LifecycleData {
                file: file.to_string(),
                path: p.display().to_string(),
                as_of,
            },
        ))
    });
    from_system.unwrap_or_else(|| (bundled.to_string(), bundled_data(file, as_of)))
}

/// The Debian major version of the system under `root` (`etc/debian_version`),
/// which the system's `security-support-limited` was installed for.
fn host_debian_version(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("etc/debian_version")).ok()?;
    let major = text.trim().split('.').next()?.to_string();
    major
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then_some(major)
        .filter(|m| !m.is_empty())
}

/// Whether `today` is past the end of the period.
pub fn ended(end: Date, today: Date) -> bool {
    today > end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::distro::rel;
    use crate::model::testing::assert_warning_contains;

    #[test]
    fn the_development_series_is_the_next_release_not_yet_out() {
        let lc = Lifecycle::bundled();
        let on = |d: &str| lc.development_series(d.parse().unwrap());
        // 26.04 came out on 2026-04-23; 26.10 is due on 2026-10-15.
        assert_eq!(
            on("2026-05-01").get("ubuntu").map(String::as_str),
            Some("stonking")
        );
        assert_eq!(
            on("2026-04-01").get("ubuntu").map(String::as_str),
            Some("resolute")
        );
        // After the newest release the data names, no development series is known.
        assert_eq!(on("2026-12-04").get("ubuntu"), None);
        assert_eq!(
            on("2026-05-01").get("debian"),
            None,
            "Debian's are built into its client"
        );
    }

    #[test]
    fn codenames_and_numbers_complete_each_other() {
        let lc = Lifecycle::bundled();
        let mut a = rel("debian", None, Some("bookworm"));
        lc.complete(&mut a);
        assert_eq!(a, rel("debian", Some("12"), Some("bookworm")));
        let mut b = rel("ubuntu", Some("22.04"), None);
        lc.complete(&mut b);
        assert_eq!(b.codename.as_deref(), Some("jammy"));
        let mut point = rel("debian", Some("12.4"), None);
        lc.complete(&mut point);
        assert_eq!(point.codename.as_deref(), Some("bookworm"));
        let mut unknown = rel("debian", Some("99"), None);
        lc.complete(&mut unknown);
        assert_eq!(
            unknown,
            rel("debian", Some("99"), None),
            "unknown stays unknown"
        );
        assert!(
            lc.release(&rel("debian", Some("12"), Some("trixie")))
                .is_none(),
            "a contradiction names no release"
        );
    }

    #[test]
    fn security_support_lists_answer_by_source_package_and_release() {
        let lc = Lifecycle::bundled();
        let deb12 = rel("debian", Some("12"), Some("bookworm"));
        assert!(matches!(
            lc.security_support(&deb12, "wolfssl"),
            Some(SecuritySupport::Ended { .. })
        ));
        assert!(matches!(
            lc.security_support(&deb12, "binutils"),
            Some(SecuritySupport::Limited { .. })
        ));
        assert_eq!(lc.security_support(&deb12, "openssl"), None);
        let deb11 = rel("debian", Some("11"), None);
        assert_eq!(
            lc.security_support(&deb11, "binutils"),
            None,
            "the limited list is Debian 12's"
        );
        assert_eq!(
            lc.security_support(&rel("ubuntu", Some("22.04"), None), "wolfssl"),
            None
        );
        assert!(!lc.has_security_support_lists(&rel("debian", Some("13"), None)));
    }

    #[test]
    fn the_systems_files_are_preferred_and_a_broken_one_falls_back_with_a_warning() {
        let root = tempfile::tempdir().unwrap();
        let di = root.path().join(SYSTEM_DISTRO_INFO);
        std::fs::create_dir_all(&di).unwrap();
        std::fs::write(
            di.join("debian.csv"),
            "version,codename,series,created,release,eol\n42,Test,testrel,2030-01-01,2031-01-01,2034-01-01\n",
        )
        .unwrap();
        std::fs::write(di.join("ubuntu.csv"), "not,a,header\n").unwrap();
        let lc = Lifecycle::load(root.path());
        assert!(lc.release(&rel("debian", Some("42"), None)).is_some());
        assert!(
            lc.release(&rel("debian", Some("12"), None)).is_none(),
            "the system's file replaces the bundled one"
        );
        assert!(
            lc.release(&rel("ubuntu", Some("22.04"), None)).is_some(),
            "the broken file's bundled copy"
        );
        assert_eq!(lc.warnings.len(), 1, "{:?}", lc.warnings);
        assert_warning_contains(&lc.warnings, 0, "ubuntu.csv:1:");
        assert!(lc.files[0].path.ends_with("debian.csv") && lc.files[0].path != "bundled");
        assert_eq!(lc.files[1].path, "bundled");
    }
}
