//! Differential tests: our lenient readers against the requested crates,
//! `cyclonedx-bom` and `spdx-rs`, used as oracles. On every corpus and
//! fixture file an oracle accepts, both must find the same components (name,
//! version, purl, hashes, licences). Files an oracle rejects are counted, so a
//! change in what it accepts shows up here.
//!
//! Known, deliberate differences (kept out of the comparison, checked apart):
//! - CycloneDX: we also take the hashes of `distribution` external references
//!   (they protect the delivered artifact); the oracle's component hashes must
//!   be a subset of ours.
//! - CycloneDX: components nested in the primary (metadata) component are not
//!   in the oracle's `components`; we compare the component list only.
//! - purls are compared in canonical form (the oracle keeps the input's text).

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chainrisk::ingest::{ParsedDoc, parse_bytes};
use chainrisk::model::{HashAlg, parse_purl_canonical};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    name: String,
    version: Option<String>,
    purl: Option<String>,
    licences: BTreeSet<String>,
}

fn norm_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn norm_version(v: Option<String>) -> Option<String> {
    v.map(|v| norm_ws(&v)).filter(|v| !v.is_empty())
}

fn norm_purl(p: Option<String>) -> Option<String> {
    p.map(|p| parse_purl_canonical(&p).map(|(_, c)| c).unwrap_or(p))
}

/// Licences compared as SPDX expressions where both sides parse; NOASSERTION and NONE dropped.
fn norm_licence(raw: &str) -> Option<String> {
    let raw = norm_ws(raw);
    if raw.is_empty() || raw.eq_ignore_ascii_case("NOASSERTION") || raw.eq_ignore_ascii_case("NONE")
    {
        return None;
    }
    Some(
        spdx::Expression::parse_mode(&raw, spdx::ParseMode::LAX)
            .map(|e| e.to_string())
            .unwrap_or(raw),
    )
}

fn hash_set(pairs: impl Iterator<Item = (String, String)>) -> BTreeSet<(String, String)> {
    pairs
        .map(|(a, v)| {
            (
                HashAlg::parse(&a).as_str().to_string(),
                v.trim().to_ascii_lowercase(),
            )
        })
        .collect()
}

/// Our components of the document's component list, as keys and hash sets.
fn ours(doc: &ParsedDoc) -> Vec<(Key, BTreeSet<(String, String)>)> {
    doc.components
        .iter()
        .filter(|c| !c.locations[0].pointer.contains("/metadata/"))
        .map(|c| {
            let key = Key {
                name: norm_ws(&c.name),
                version: norm_version(c.version.clone()),
                purl: c.purl.clone().or_else(|| c.rare.invalid_purl.clone()),
                licences: c
                    .licenses
                    .iter()
                    .filter_map(|l| norm_licence(&l.raw))
                    .collect(),
            };
            let hashes = hash_set(
                c.hashes
                    .iter()
                    .map(|h| (h.alg.as_str().to_string(), h.value.clone())),
            );
            (key, hashes)
        })
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every fixture file (the corpus subset among them) and every file of the
/// full corpus when present that our detector calls `format`.
fn inputs_of(format: &[chainrisk::model::Format]) -> Vec<PathBuf> {
    let mut all = Vec::new();
    if let Some(c) = full_corpus() {
        files_under(&c, &mut all);
    }
    files_under(&root().join("fixtures"), &mut all);
    all.sort();
    all.into_iter()
        .filter(|p| {
            std::fs::read(p)
                .ok()
                .and_then(|b| chainrisk::ingest::detect(&b).ok())
                .is_some_and(|f| format.contains(&f))
        })
        .collect()
}

/// Compares the two component lists; returns a description of each difference.
type Explain<'a> = &'a dyn Fn(&Key, &Key) -> Option<String>;

fn compare(
    file: &Path,
    oracle: Vec<(Key, BTreeSet<(String, String)>)>,
    ours: Vec<(Key, BTreeSet<(String, String)>)>,
    explain: Explain,
    explained: &mut Vec<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if oracle.len() != ours.len() {
        problems.push(format!(
            "{}: oracle {} components, ours {}",
            file.display(),
            oracle.len(),
            ours.len()
        ));
        return problems;
    }
    let mut o = oracle;
    let mut u = ours;
    // Sort by what both sides must agree on first, so an explained purl difference does not shift the pairing.
    let order = |a: &(Key, BTreeSet<(String, String)>), b: &(Key, BTreeSet<(String, String)>)| {
        (&a.0.name, &a.0.version, &a.0.licences, &a.1).cmp(&(
            &b.0.name,
            &b.0.version,
            &b.0.licences,
            &b.1,
        ))
    };
    o.sort_by(order);
    u.sort_by(order);
    for ((ok, oh), (uk, uh)) in o.iter().zip(&u) {
        if ok != uk {
            if let Some(why) = explain(ok, uk) {
                explained.push(format!("{}: {}: {why}", file.display(), ok.name));
                continue;
            }
            problems.push(format!(
                "{}: oracle {ok:?}\n      ours {uk:?}",
                file.display()
            ));
        } else if !oh.is_subset(uh) {
            problems.push(format!(
                "{}: {}: oracle hashes {oh:?} not all in ours {uh:?}",
                file.display(),
                ok.name
            ));
        }
    }
    problems.truncate(5);
    problems
}

mod cdx {
    use super::*;
    use cyclonedx_bom::models::component::Component;
    use cyclonedx_bom::models::license::{LicenseChoice, LicenseIdentifier};
    use cyclonedx_bom::prelude::*;

    fn flatten(list: &[Component], out: &mut Vec<(Key, BTreeSet<(String, String)>)>) {
        for c in list {
            let licences = c
                .licenses
                .as_ref()
                .map(|l| {
                    l.0.iter()
                        .filter_map(|choice| match choice {
                            LicenseChoice::License(l) => match &l.license_identifier {
                                LicenseIdentifier::SpdxId(id) => norm_licence(&id.to_string()),
                                LicenseIdentifier::Name(n) => norm_licence(n.as_ref()),
                            },
                            LicenseChoice::Expression(e) => norm_licence(&e.to_string()),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let key = Key {
                name: norm_ws(c.name.as_ref()),
                version: norm_version(c.version.as_ref().map(|v| v.to_string())),
                purl: norm_purl(c.purl.as_ref().map(|p| p.to_string())),
                licences,
            };
            let hashes = hash_set(
                c.hashes
                    .iter()
                    .flat_map(|h| h.0.iter())
                    .map(|h| (h.alg.to_string(), h.content.0.clone())),
            );
            out.push((key, hashes));
            if let Some(nested) = &c.components {
                flatten(&nested.0, out);
            }
        }
    }

    fn xml_version(bytes: &[u8]) -> Option<SpecVersion> {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_string();
        if head.contains("cyclonedx.org/schema/bom/1.3") {
            Some(SpecVersion::V1_3)
        } else if head.contains("cyclonedx.org/schema/bom/1.4") {
            Some(SpecVersion::V1_4)
        } else if head.contains("cyclonedx.org/schema/bom/1.5") {
            Some(SpecVersion::V1_5)
        } else {
            None
        }
    }

    #[test]
    fn cyclonedx_readers_agree_with_cyclonedx_bom() {
        use chainrisk::model::Format;
        let files = inputs_of(&[Format::CyclonedxJson, Format::CyclonedxXml]);
        assert!(!files.is_empty(), "fixtures/ holds at least the demo");
        let (mut compared, mut components, mut rejected, mut problems) =
            (0, 0, Vec::new(), Vec::new());
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let parsed = if bytes.trim_ascii_start().starts_with(b"<") {
                match xml_version(&bytes) {
                    Some(v) => {
                        Bom::parse_from_xml_with_version(&bytes[..], v).map_err(|e| e.to_string())
                    }
                    None => Err("spec version not supported by the oracle".to_string()),
                }
            } else {
                Bom::parse_from_json(&bytes[..])
                    .map_err(|e| e.to_string())
                    .or_else(|e| {
                        // The oracle stops at 1.5. A 1.6/1.7 document whose fields we compare
                        // all exist in 1.5 is read as 1.5 (the newer fields are dropped).
                        let mut v: serde_json::Value =
                            serde_json::from_slice(&bytes).map_err(|_| e.clone())?;
                        let newer = matches!(v["specVersion"].as_str(), Some("1.6" | "1.7"));
                        if !newer {
                            return Err(e);
                        }
                        v["specVersion"] = "1.5".into();
                        serde_json::to_vec(&v)
                            .map_err(|e2| e2.to_string())
                            .and_then(|b| {
                                Bom::parse_from_json_v1_5(&b[..]).map_err(|e2| e2.to_string())
                            })
                            .map_err(|e2| format!("{e}; read as 1.5: {e2}"))
                    })
            };
            let bom = match parsed {
                Ok(b) => b,
                Err(e) => {
                    rejected.push(format!("{}: {e}", f.display()));
                    continue;
                }
            };
            let doc = parse_bytes(&bytes)
                .unwrap_or_else(|e| panic!("{}: the oracle reads it, we fail: {e}", f.display()));
            let mut oracle = Vec::new();
            flatten(
                bom.components
                    .as_ref()
                    .map(|c| c.0.as_slice())
                    .unwrap_or(&[]),
                &mut oracle,
            );
            components += oracle.len();
            problems.extend(compare(
                f,
                oracle,
                ours(&doc),
                &|_, _| None,
                &mut Vec::new(),
            ));
            compared += 1;
        }
        eprintln!(
            "cyclonedx-bom oracle: compared {components} components in {compared} files; it rejected {}:",
            rejected.len()
        );
        for r in &rejected {
            eprintln!("  {r}");
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // fixtures/ (the corpus subset among them) alone gives 11 files and 240 components.
        assert!(compared >= 10, "only {compared} files compared");
        assert!(components >= 200, "only {components} components compared");
        if full_corpus().is_some() {
            // The corpus holds 1.3, 1.4 and 1.5 files the oracle reads; a drop here means a regression on either side.
            assert!(compared >= 8, "only {compared} files compared");
            assert!(components >= 2000, "only {components} components compared");
        }
    }
}

mod spdx2 {
    use super::*;
    use spdx_rs::models::SPDX;

    fn oracle_components(doc: &SPDX) -> Vec<(Key, BTreeSet<(String, String)>)> {
        doc.package_information
            .iter()
            .map(|p| {
                let licences = [&p.declared_license, &p.concluded_license]
                    .into_iter()
                    .flatten()
                    .filter_map(|l| norm_licence(&l.to_string()))
                    .collect();
                let purl = p
                    .external_reference
                    .iter()
                    .find(|r| r.reference_type == "purl")
                    .map(|r| r.reference_locator.clone());
                let key = Key {
                    name: norm_ws(&p.package_name),
                    version: norm_version(p.package_version.clone()),
                    purl: norm_purl(purl),
                    licences,
                };
                let hashes = hash_set(
                    p.package_checksum
                        .iter()
                        .map(|c| (format!("{:?}", c.algorithm), c.value.clone())),
                );
                (key, hashes)
            })
            .collect()
    }

    #[test]
    fn spdx_readers_agree_with_spdx_rs() {
        use chainrisk::model::Format;
        let files = inputs_of(&[Format::SpdxJson, Format::SpdxTagValue]);
        let (mut compared, mut components, mut rejected, mut problems) =
            (0, 0, Vec::new(), Vec::new());
        let mut explained = Vec::new();
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let is_json = bytes.trim_ascii_start().starts_with(b"{");
            let parsed = if is_json {
                serde_json::from_slice::<SPDX>(&bytes).map_err(|e| e.to_string())
            } else {
                spdx_rs::parsers::spdx_from_tag_value(&String::from_utf8_lossy(&bytes))
                    .map_err(|e| e.to_string())
            };
            let doc = match parsed {
                Ok(d) => d,
                Err(e) => {
                    rejected.push(format!("{}: {e}", f.display()));
                    continue;
                }
            };
            let ours_doc = parse_bytes(&bytes)
                .unwrap_or_else(|e| panic!("{}: the oracle reads it, we fail: {e}", f.display()));
            let oracle = oracle_components(&doc);
            components += oracle.len();
            // spdx-rs's tag-value parser drops the ExternalRef of a package that files follow
            // directly; ours keeps it. Explained when the file really has that purl line.
            let text = String::from_utf8_lossy(&bytes).to_string();
            let dropped_ref = |o: &Key, u: &Key| -> Option<String> {
                let ours = u.purl.as_ref()?;
                let same_otherwise = o.purl.is_none()
                    && Key {
                        purl: None,
                        ..u.clone()
                    } == *o;
                let in_file = text.lines().any(|l| {
                    l.starts_with("ExternalRef:")
                        && l.split_whitespace().nth(2) == Some("purl")
                        && l.split_whitespace()
                            .nth(3)
                            .and_then(|p| parse_purl_canonical(p).ok())
                            .is_some_and(|(_, c)| &c == ours)
                });
                (!is_json && same_otherwise && in_file)
                    .then(|| format!("oracle dropped `ExternalRef: … purl {ours}`"))
            };
            problems.extend(compare(
                f,
                oracle,
                ours(&ours_doc),
                &dropped_ref,
                &mut explained,
            ));
            compared += 1;
        }
        eprintln!(
            "spdx-rs oracle: compared {components} packages in {compared} files; it rejected {}:",
            rejected.len()
        );
        for r in &rejected {
            eprintln!("  {r}");
        }
        eprintln!("explained differences: {}", explained.len());
        for e in &explained {
            eprintln!("  {e}");
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // fixtures/ (the corpus subset among them) alone gives 7 files.
        assert!(compared >= 6, "only {compared} files compared");
        if full_corpus().is_some() {
            // With the full corpus: 19 files.
            assert!(compared >= 15, "only {compared} files compared");
        }
    }
}
