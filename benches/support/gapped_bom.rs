//! The generated CycloneDX document of the render bench and of the golden
//! report test (`tests/snapshots.rs`): deterministic, so a report of it can
//! be compared across changes.

/// A CycloneDX 1.6 document with the usual gaps, so the rules find plenty:
/// missing licences and suppliers, weak hashes, git sources.
pub fn synthetic_bom(n: usize) -> Vec<u8> {
    let ecosystems = ["npm", "pypi", "cargo", "maven", "golang"];
    let mut components = Vec::with_capacity(n);
    let mut deps = Vec::with_capacity(n + 1);
    for i in 0..n {
        let eco = ecosystems[i % ecosystems.len()];
        let ns = match eco {
            "maven" => format!("org.example.g{}/", i % 97),
            "golang" => format!("example.com/owner{}/", i % 211),
            _ => String::new(),
        };
        let name = format!("pkg-{i}");
        let version = format!("{}.{}.{}", i % 7, i % 13, i % 29);
        let mut purl = format!("pkg:{eco}/{ns}{name}@{version}");
        if i % 50 == 0 {
            purl.push_str("?vcs_url=git%2Bhttps%3A%2F%2Fgit.example%2Fo%2Fr.git%23main");
        }
        let mut c = serde_json::json!({
            "type": "library",
            "bom-ref": format!("c{i}"),
            "name": name,
            "version": version,
            "purl": purl,
            "externalReferences": [
                {"type": "vcs", "url": format!("git+https://git.example/o{}/r{i}.git", i % 300)}
            ]
        });
        if i % 20 == 0 {
            c["hashes"] = serde_json::json!([{"alg": "SHA-1", "content": format!("{:040x}", i)}]);
        } else if i % 7 != 0 {
            c["hashes"] =
                serde_json::json!([{"alg": "SHA-512", "content": format!("{:0128x}", i * 7919)}]);
        }
        if i % 10 != 0 {
            c["licenses"] = serde_json::json!([{"license": {"id": if i % 2 == 0 { "MIT" } else { "Apache-2.0" }}}]);
        }
        if i % 4 == 0 {
            c["supplier"] = serde_json::json!({"name": format!("Supplier {}", i % 40)});
        }
        components.push(c);
        let depends: Vec<String> = (1..=3)
            .map(|k| format!("c{}", (i * 7 + k * 13) % n))
            .filter(|d| *d != format!("c{i}"))
            .collect();
        deps.push(serde_json::json!({"ref": format!("c{i}"), "dependsOn": depends}));
    }
    deps.push(serde_json::json!({"ref": "app", "dependsOn": (0..n.min(50)).map(|i| format!("c{i}")).collect::<Vec<_>>()}));
    serde_json::to_vec(&serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "version": 1,
        "metadata": {
            "timestamp": "2026-11-24T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "bench"}]},
            "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1.0.0"}
        },
        "components": components,
        "dependencies": deps
    }))
    .unwrap()
}
