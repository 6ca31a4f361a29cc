//! chainrisk's dpkg version order against dpkg's own, on real version
//! strings from Debian 12's indexes (fixtures/versions/README.md): every
//! neighbour after sorting, and 3,000 reproducible random pairs, each asked
//! of `dpkg --compare-versions`. Needs dpkg (CI is Debian).

use chainrisk::model::{Ecosystem, Version};
use std::cmp::Ordering;
use std::io::Write;

mod common;

/// Asks dpkg about every pair in one shell: one line of `<`, `=` or `>` per pair.
fn dpkg_order(pairs: &[(&str, &str)]) -> Vec<Ordering> {
    let mut script = String::new();
    for (a, b) in pairs {
        script.push_str(&format!(
            "if dpkg --compare-versions '{a}' lt '{b}'; then echo '<'; elif dpkg --compare-versions '{a}' eq '{b}'; then echo '='; else echo '>'; fi\n"
        ));
    }
    let mut child = std::process::Command::new("sh")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| match l {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            _ => Ordering::Greater,
        })
        .collect()
}

#[test]
fn our_dpkg_order_is_dpkgs_on_thousands_of_real_versions() {
    if std::process::Command::new("dpkg")
        .arg("--version")
        .output()
        .is_err()
    {
        common::skip("dpkg is not on this machine");
        return;
    }
    let text =
        std::fs::read_to_string(common::root().join("fixtures/versions/debian.txt")).unwrap();
    let mut versions: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    assert!(versions.len() > 3000);
    // Single quotes in the shell script: no real version has one.
    assert!(versions.iter().all(|v| !v.contains('\'')));
    let parse = |v: &str| {
        Version::parse(&Ecosystem::Deb, v).unwrap_or_else(|| panic!("{v} does not parse"))
    };
    versions.sort_by(|a, b| parse(a).compare(&parse(b)).unwrap());
    let mut pairs: Vec<(&str, &str)> = versions.windows(2).map(|w| (w[0], w[1])).collect();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let a = versions[(state % versions.len() as u64) as usize];
        let b = versions[((state >> 32) % versions.len() as u64) as usize];
        pairs.push((a, b));
    }
    let theirs = dpkg_order(&pairs);
    assert_eq!(theirs.len(), pairs.len(), "dpkg answered every pair");
    let wrong: Vec<String> = pairs
        .iter()
        .zip(&theirs)
        .filter(|((a, b), t)| parse(a).compare(&parse(b)) != Some(**t))
        .take(10)
        .map(|((a, b), t)| format!("{a} vs {b}: dpkg says {t:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} pairs compared; disagreements: {wrong:#?}",
        pairs.len()
    );
}
