//! Which package of which registry a component is.
//!
//! A component is looked up at its ecosystem's registry under the name that
//! registry uses: the Cargo crate name, the full npm name (`@scope/name`), the
//! PEP 503 normalised PyPI project name, the Go module path. Components that
//! did not come through a registry (git, path, URL, vendored) and the
//! product's own root components have no registry package.

use crate::model::{Component, Ecosystem, SourceKind, pep503};

/// The ecosystems chainrisk has registry clients for.
pub fn has_client(ecosystem: &Ecosystem) -> bool {
    matches!(
        ecosystem,
        Ecosystem::Cargo
            | Ecosystem::Npm
            | Ecosystem::Pypi
            | Ecosystem::Golang
            | Ecosystem::Deb
            | Ecosystem::Apk
            | Ecosystem::Rpm
    )
}

/// The (ecosystem, registry name) of a component, or `None` when it is not a
/// registry package chainrisk can look up.
///
/// A `Registry` source with a recorded URL is still looked up at the
/// configured endpoint: mirrors and proxies make the recorded host an
/// unreliable test of which registry is meant, so it is not second-guessed.
pub fn package_key(c: &Component) -> Option<(Ecosystem, String)> {
    if c.root || c.name.trim().is_empty() {
        return None;
    }
    match c.source {
        SourceKind::Registry { .. } | SourceKind::Unknown => {}
        SourceKind::Git { .. } | SourceKind::Path { .. } | SourceKind::Url { .. } => return None,
        SourceKind::Vendored | SourceKind::Elsewhere { .. } => return None,
    }
    let namespace = c
        .namespace
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let name = c.name.trim();
    let key = match c.ecosystem {
        Ecosystem::Cargo => name.to_string(),
        Ecosystem::Npm => npm_name(namespace, name),
        Ecosystem::Pypi => pep503(name),
        Ecosystem::Golang => match namespace {
            Some(ns) => format!("{}/{}", ns.trim_end_matches('/'), name),
            None => name.to_string(),
        },
        // A binary package of a known release; source packages are judged
        // through their binaries.
        Ecosystem::Deb if !c.is_source_package() => {
            super::archive::package_name(c.release.as_ref()?, name)?
        }
        Ecosystem::Apk => super::archive::apk::package_name(c.release.as_ref()?, name)?,
        Ecosystem::Rpm if !c.is_source_package() => {
            super::archive::rpm::package_name(c.release.as_ref()?, name)?
        }
        _ => return None,
    };
    Some((c.ecosystem.clone(), key))
}

/// `@scope/name` from a scope (with or without its `@`) and a name, or the
/// name alone when it already carries its scope.
fn npm_name(scope: Option<&str>, name: &str) -> String {
    match scope {
        Some(scope) if !name.starts_with('@') => {
            let scope = scope.trim_start_matches('@');
            format!("@{scope}/{name}")
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(eco: Ecosystem, ns: Option<&str>, name: &str) -> Component {
        Component {
            ecosystem: eco,
            namespace: ns.map(str::to_string),
            name: name.to_string(),
            version: Some("1.0.0".into()),
            ..Component::default()
        }
    }

    fn key(c: &Component) -> Option<String> {
        package_key(c).map(|(_, n)| n)
    }

    #[test]
    fn names_as_each_registry_spells_them() {
        assert_eq!(
            key(&comp(Ecosystem::Cargo, None, "serde")).unwrap(),
            "serde"
        );
        assert_eq!(
            key(&comp(Ecosystem::Npm, Some("@types"), "node")).unwrap(),
            "@types/node"
        );
        assert_eq!(
            key(&comp(Ecosystem::Npm, Some("types"), "node")).unwrap(),
            "@types/node"
        );
        assert_eq!(
            key(&comp(Ecosystem::Npm, Some("@types"), "@types/node")).unwrap(),
            "@types/node"
        );
        assert_eq!(
            key(&comp(Ecosystem::Npm, None, "left-pad")).unwrap(),
            "left-pad"
        );
        assert_eq!(
            key(&comp(Ecosystem::Pypi, None, "Zope.Interface")).unwrap(),
            "zope-interface"
        );
        assert_eq!(
            key(&comp(Ecosystem::Golang, Some("example.com/org"), "mod")).unwrap(),
            "example.com/org/mod"
        );
    }

    #[test]
    fn skips_roots_other_channels_and_ecosystems_without_a_client() {
        let mut root = comp(Ecosystem::Npm, None, "app");
        root.root = true;
        assert_eq!(key(&root), None);

        for source in [
            SourceKind::Git {
                url: "https://git.example/a.git".into(),
                rev: None,
                pinned: false,
            },
            SourceKind::Path {
                path: "../a".into(),
            },
            SourceKind::Url {
                url: "https://files.example/a.tgz".into(),
            },
            SourceKind::Vendored,
        ] {
            let mut c = comp(Ecosystem::Cargo, None, "a");
            c.source = source;
            assert_eq!(key(&c), None, "{:?}", c.source);
        }

        let mut reg = comp(Ecosystem::Pypi, None, "a");
        reg.source = SourceKind::Registry {
            url: Some("https://mirror.example/simple".into()),
        };
        assert_eq!(key(&reg).as_deref(), Some("a"));

        assert_eq!(key(&comp(Ecosystem::Maven, Some("g"), "a")), None);
        assert_eq!(key(&comp(Ecosystem::Npm, None, "  ")), None);
    }
}
