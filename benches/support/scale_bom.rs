//! The generated CycloneDX 1.5 document of the scale bench (issue 12): the
//! shape of a large product's SBOM — 80 % of components with hashes, 60 % with
//! a VCS link, a dependency tree four wide with links across it — written
//! straight to a file so that a million components never sit in memory.
//! Deterministic: the same `n` gives the same bytes.

use std::io::{self, Write};

/// Writes a BOM of `n` components to `out`; returns the bytes written.
pub fn write_bom(n: usize, out: &mut impl Write) -> io::Result<u64> {
    let mut out = Counting {
        inner: out,
        bytes: 0,
    };
    let ecosystems = ["npm", "pypi", "cargo", "maven", "golang", "deb"];
    let licences = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "ISC"];
    write!(
        out,
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:00000000-0000-4000-8000-{n:012}","version":1,"metadata":{{"timestamp":"2026-11-24T00:00:00Z","tools":{{"components":[{{"type":"application","name":"scale-bench","version":"1"}}]}},"component":{{"type":"application","bom-ref":"product","name":"product","version":"1.0.0"}}}},"components":["#
    )?;
    for i in 0..n {
        if i > 0 {
            out.write_all(b",")?;
        }
        let eco = ecosystems[i % ecosystems.len()];
        let ns = match eco {
            "maven" => format!("org.example.g{}/", i % 97),
            "golang" => format!("example.com/owner{}/", i % 211),
            "deb" => "debian/".to_string(),
            _ => String::new(),
        };
        let version = format!("{}.{}.{}", i % 7, i % 13, i % 29);
        write!(
            out,
            r#"{{"type":"library","bom-ref":"c{i}","name":"pkg-{i}","version":"{version}","purl":"pkg:{eco}/{ns}pkg-{i}@{version}""#
        )?;
        if i % 3 != 0 {
            write!(
                out,
                r#","description":"Component {i} of the generated product, with a sentence of text""#
            )?;
        }
        if i % 5 != 0 {
            write!(
                out,
                r#","licenses":[{{"license":{{"id":"{}"}}}}]"#,
                licences[i % licences.len()]
            )?;
        }
        if i % 4 == 0 {
            write!(out, r#","supplier":{{"name":"Supplier {}"}}"#, i % 40)?;
        }
        // 80 % with hashes: most SHA-256, some only SHA-1.
        match i % 10 {
            0 | 1 => {}
            2 => write!(
                out,
                r#","hashes":[{{"alg":"SHA-1","content":"{:040x}"}}]"#,
                i as u128 * 2_654_435_761
            )?,
            _ => write!(
                out,
                r#","hashes":[{{"alg":"SHA-256","content":"{:064x}"}}]"#,
                i as u128 * 11_400_714_819_323_198_485
            )?,
        }
        // 60 % with a VCS link.
        if i % 5 < 3 {
            write!(
                out,
                r#","externalReferences":[{{"type":"vcs","url":"git+https://git.example/o{}/r{i}.git"}}]"#,
                i % 300
            )?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(br#"],"dependencies":["#)?;
    write!(out, r#"{{"ref":"product","dependsOn":["#)?;
    for i in 0..n.min(50) {
        write!(out, "{}\"c{i}\"", if i > 0 { "," } else { "" })?;
    }
    out.write_all(b"]}")?;
    for i in 0..n {
        // A tree of four children per component (the product's first 50
        // components at its top), so every component is reachable and the
        // longest path grows with log n, as a real product's does; plus 0–2
        // links to components further down, which never lengthen a shortest
        // path. Wrapping links (`% n` alone) made the depth grow with n: the
        // longest path was 107 components at 100,000 and 1,003 at 1,000,000.
        write!(out, r#",{{"ref":"c{i}","dependsOn":["#)?;
        let children = (50..54).map(|k| 4 * i + k).filter(|&t| t < n);
        let links = (1..=i % 3)
            .map(|k| (i * 7 + k * 13) % n)
            .filter(|&t| t > i && !(4 * i + 50..4 * i + 54).contains(&t));
        for (j, target) in children.chain(links).enumerate() {
            write!(out, "{}\"c{target}\"", if j > 0 { "," } else { "" })?;
        }
        out.write_all(b"]}")?;
    }
    out.write_all(b"]}")?;
    out.flush()?;
    Ok(out.bytes)
}

struct Counting<'a, W: Write> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
