//! The HTML report as a browser sees it: headless Chromium loads the file
//! and dumps the DOM it built, and the test checks that DOM. Chromium is
//! Debian's `chromium` package (`.ci/run` installs it). Without it the test
//! fails in CI and is skipped, with a note, elsewhere.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chainrisk::Assessment;
use chainrisk::report::i18n::Lang;
use chainrisk::report::{html, json};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The browser, or `None` to skip (only outside CI).
fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from(CHROMIUM);
    if p.exists() {
        return Some(p);
    }
    skip(&format!(
        "{CHROMIUM} is missing: install Debian's `chromium` package \
         (.ci/run does: apt-get install -y chromium) to check the HTML report in a browser"
    ));
    None
}

fn assess(input: &str) -> Assessment {
    let out = bin()
        .current_dir(root())
        .args(["scan", input, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json::read(&out.stdout).expect("the JSON report reads back")
}

/// Loads the file in headless Chromium and returns the serialised DOM.
fn dump_dom(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read stdout on a thread so a large DOM cannot fill the pipe and stall the browser.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "chromium did not finish loading {} within 120 s",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = reader.join().unwrap().expect("chromium's output is UTF-8");
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    assert!(status.success(), "chromium failed ({status}): {err}");
    assert!(dom.contains("</html>"), "chromium dumped no DOM: {err}");
    dom
}

/// The start tags of a serialised DOM as (lower-case name, raw tag text).
/// Chromium escapes `<` in text, so every `<` followed by a letter opens an element.
fn elements(dom: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        out.push((name, tag));
        rest = &rest[end..];
    }
    out
}

/// The value of `attr="…"` in a raw tag.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn render_to_file(a: &Assessment, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, html::render(a, Lang::En)).unwrap();
    path
}

#[test]
fn demo_report_renders_its_findings_and_charts() {
    let Some(browser) = chromium() else { return };
    let a = assess("fixtures/demo/acme-edge-gateway.cdx.json");
    let dir = tempfile::tempdir().unwrap();
    let page = render_to_file(&a, dir.path(), "demo-report.html");
    let dom = dump_dom(&browser, &page);

    // The findings table, as the browser built it.
    let start = dom
        .find("id=\"findings-table\"")
        .expect("the DOM has the findings table");
    // Evidence tables nest inside the findings table: the section's end bounds it.
    let end = start
        + dom[start..]
            .find("</section>")
            .expect("the section is closed");
    let table = &dom[start..end];
    let rows: Vec<&str> = elements(table)
        .into_iter()
        .filter(|(name, tag)| {
            name == "tr" && attr(tag, "class").is_some_and(|c| c.starts_with("finding "))
        })
        .map(|(_, tag)| tag)
        .collect();
    assert_eq!(
        rows.len(),
        a.findings.len(),
        "one row per finding of the JSON report"
    );
    let mut dom_ids: Vec<(String, String)> = rows
        .iter()
        .map(|t| {
            (
                attr(t, "data-rule").unwrap().to_string(),
                attr(t, "data-fingerprint").unwrap().to_string(),
            )
        })
        .collect();
    let mut json_ids: Vec<(String, String)> = a
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.fingerprint.clone()))
        .collect();
    dom_ids.sort();
    json_ids.sort();
    assert_eq!(dom_ids, json_ids, "the rows are the report's findings");

    // The charts exist as SVG elements.
    let svgs: Vec<&str> = elements(&dom)
        .into_iter()
        .filter(|(n, _)| n == "svg")
        .filter_map(|(_, t)| attr(t, "id"))
        .collect();
    for id in ["chart-severity", "chart-category", "chart-suppliers"] {
        assert!(svgs.contains(&id), "chart {id} missing; svg ids: {svgs:?}");
    }
    // Bars: one per severity and per category.
    let chart = &dom[dom.find("id=\"chart-severity\"").unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<rect").count(), 5);
    // Nothing the page needs comes from elsewhere.
    assert!(
        !elements(&dom)
            .iter()
            .any(|(n, _)| n == "script" || n == "link")
    );
}

#[test]
fn payloads_in_the_input_create_no_elements() {
    let Some(browser) = chromium() else { return };
    let a = assess("fixtures/injection/payloads.cdx.json");
    let dir = tempfile::tempdir().unwrap();
    let page = render_to_file(&a, dir.path(), "payloads.html");
    let dom = dump_dom(&browser, &page);

    let els = elements(&dom);
    for bad in ["script", "img", "iframe", "object", "embed"] {
        assert!(
            !els.iter().any(|(n, _)| n == bad),
            "a <{bad}> element was injected into the DOM"
        );
    }
    for (name, tag) in &els {
        let lower = tag.to_ascii_lowercase();
        assert!(
            !lower.contains(" onerror=") && !lower.contains(" onload="),
            "event handler on <{name}>: {tag}"
        );
    }
    // The payloads are there, as text.
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(dom.contains("\"&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(dom.contains("&lt;script&gt;alert('licence')&lt;/script&gt;"));
    // The page title survived a product name that tries to close it.
    assert!(dom.contains("<title>&lt;/title&gt;&lt;script&gt;alert('product')&lt;/script&gt;"));
}
