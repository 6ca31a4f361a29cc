//! Scans at scale (issue 12), whole processes as a user runs them: a
//! generated CycloneDX 1.5 document of 100,000 components, then 1,000,000.
//! Every command runs once per round, rounds interleaved (each starting one
//! command later), so the ratios compare figures taken under the same load;
//! wall, user and system time are medians of the rounds and peak memory the
//! child's own maximum resident set (`wait4`).
//!
//! ```text
//! cargo bench --bench scale                       # 100k ×5 rounds, 1M ×1
//! cargo bench --bench scale -- --with-sbom-tools  # also installs and times sbom-tools 0.3.0
//! cargo bench --bench scale -- --rounds 3 --no-million
//! cargo bench --bench scale -- --generate 300000 bom.json   # only the document, to profile
//! ```
//!
//! sbom-tools is installed with `cargo install --locked` into
//! `$XDG_CACHE_HOME/chainrisk/bench-tools` (or `~/.cache/…`) only when asked;
//! without it the table says it was not measured. The HTML report's load
//! time is headless Chromium's `--dump-dom` of the report minus that of an
//! empty page, when a `chromium` is on the PATH.

#[path = "support/scale_bom.rs"]
mod scale_bom;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SBOM_TOOLS_VERSION: &str = "0.3.0";

/// One process's cost.
#[derive(Clone, Copy)]
struct Cost {
    wall: Duration,
    /// CPU time in user and kernel mode: on a virtual machine whose page
    /// faults cost a varying amount, the user time is the steadier figure.
    user: Duration,
    system: Duration,
    /// Peak resident set, bytes.
    peak: u64,
}

/// Runs `cmd` to completion and returns its wall time and peak memory; a
/// non-zero exit (other than chainrisk's 1, "findings at --fail-on") stops
/// the bench with the command's stderr.
fn run(cmd: &mut Command) -> Cost {
    let (cost, status, err) = run_status(cmd);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    if !matches!(code, Some(0 | 1)) {
        panic!("{cmd:?} ended with {status:#x}:\n{err}");
    }
    cost
}

/// [`run`] that leaves the exit status to the caller: the wait status and stderr.
// The child is reaped by `wait4`, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn run_status(cmd: &mut Command) -> (Cost, i32, String) {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data filled in by the kernel; `pid` is our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed for {cmd:?}");
    let mut err = String::new();
    if let Some(mut e) = child.stderr {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let cost = Cost {
        wall,
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak: usage.ru_maxrss as u64 * 1024,
    };
    (cost, status, err)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Every round's costs of one command.
struct Series {
    name: String,
    costs: Vec<Cost>,
}

impl Series {
    fn wall(&self) -> Duration {
        median(self.costs.iter().map(|c| c.wall).collect())
    }
    fn spread(&self) -> (Duration, Duration) {
        let w = self.costs.iter().map(|c| c.wall);
        (w.clone().min().unwrap(), w.max().unwrap())
    }
    fn user(&self) -> Duration {
        median(self.costs.iter().map(|c| c.user).collect())
    }
    fn system(&self) -> Duration {
        median(self.costs.iter().map(|c| c.system).collect())
    }
    fn peak(&self) -> u64 {
        self.costs.iter().map(|c| c.peak).max().unwrap()
    }
}

struct Options {
    rounds: usize,
    million_rounds: usize,
    with_sbom_tools: bool,
    quick: bool,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(|v| {
                v.parse::<usize>()
                    .unwrap_or_else(|_| panic!("{flag} takes a number"))
            })
    };
    // `cargo test --benches` runs benches without `--bench`: keep that quick.
    let quick = !args.iter().any(|a| a == "--bench");
    Options {
        rounds: value("--rounds").unwrap_or(if quick { 1 } else { 5 }),
        million_rounds: if quick || args.iter().any(|a| a == "--no-million") {
            0
        } else {
            value("--million-rounds").unwrap_or(1)
        },
        with_sbom_tools: args.iter().any(|a| a == "--with-sbom-tools"),
        quick,
    }
}

fn generate(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join(format!("bom-{n}.cdx.json"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    scale_bom::write_bom(n, &mut out).unwrap();
    path
}

fn chainrisk(bom: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chainrisk"));
    c.args(["scan", "--offline", "--no-cache"])
        .arg(bom)
        .env("CHAINRISK_PACKAGE_MANAGERS", "off")
        .env_remove("CHAINRISK_CACHE");
    c
}

/// The bare parse: this bench re-run as `--bare-parse FILE`.
fn bare_parse(bom: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.arg("--bare-parse").arg(bom);
    c
}

/// The installed sbom-tools, installing it first when asked.
fn sbom_tools(asked: bool) -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?
        .join("chainrisk/bench-tools");
    let bin = cache.join("bin/sbom-tools");
    if !asked {
        return None;
    }
    if !bin.exists() {
        eprintln!(
            "installing sbom-tools {SBOM_TOOLS_VERSION} into {}",
            cache.display()
        );
        let ok = Command::new("cargo")
            .args([
                "install",
                "--locked",
                "sbom-tools",
                "--version",
                SBOM_TOOLS_VERSION,
            ])
            .arg("--root")
            .arg(&cache)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("sbom-tools could not be installed: not measured");
            return None;
        }
    }
    Some(bin)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Runs every command once per round, interleaved.
fn measure(rounds: usize, commands: &mut [(String, Command)]) -> Vec<Series> {
    let mut series: Vec<Series> = commands
        .iter()
        .map(|(name, _)| Series {
            name: name.clone(),
            costs: Vec::new(),
        })
        .collect();
    let count = commands.len();
    // The generated document's own writeback must not land on the first command.
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    for round in 0..rounds {
        // Each round starts one command later: on a virtual machine the
        // process after one that freed much memory pays for fresh pages,
        // and no command should always be that one.
        for i in (0..count).map(|k| (k + round) % count) {
            let (name, cmd) = &mut commands[i];
            let cost = run(cmd);
            // The reports (100-170 MB each) are flushed before the next
            // command starts, so that none pays for another's writeback.
            // SAFETY: sync(2) takes no arguments and cannot fail.
            unsafe { libc::sync() };
            eprintln!(
                "  round {} {name}: {:.2} s (user {:.2} s, system {:.2} s), {:.0} MiB",
                round + 1,
                cost.wall.as_secs_f64(),
                cost.user.as_secs_f64(),
                cost.system.as_secs_f64(),
                mib(cost.peak)
            );
            series[i].costs.push(cost);
        }
    }
    series
}

fn print_table(series: &[Series], base: &Series) {
    println!(
        "| command | wall (median) | min–max | user CPU | system CPU | peak memory | × parse time | × parse memory |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for s in series {
        let (lo, hi) = s.spread();
        println!(
            "| {} | {:.2} s | {:.2}–{:.2} s | {:.2} s | {:.2} s | {:.0} MiB | {:.2}× | {:.2}× |",
            s.name,
            s.wall().as_secs_f64(),
            lo.as_secs_f64(),
            hi.as_secs_f64(),
            s.user().as_secs_f64(),
            s.system().as_secs_f64(),
            mib(s.peak()),
            s.wall().as_secs_f64() / base.wall().as_secs_f64(),
            s.peak() as f64 / base.peak() as f64,
        );
    }
}

fn verdict(name: &str, value: f64, goal: f64, unit: &str) {
    let met = if value <= goal { "met" } else { "NOT met" };
    println!("- {name}: {value:.2}{unit} (goal ≤ {goal}{unit}) — {met}");
}

/// How long headless Chromium may take over one page before the bench
/// gives up on it.
const CHROMIUM_LIMIT_SECS: u64 = 60;

/// Headless Chromium's time to load and lay out `page`, minus an empty
/// page's; `Some(None)` when the page did not load within the limit.
fn chromium_load(page: &Path, dir: &Path) -> Option<Option<Duration>> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })?;
    let empty = dir.join("empty.html");
    std::fs::write(&empty, "<!doctype html><title>empty</title>").ok()?;
    let profile = dir.join("chromium-profile");
    let time = |p: &Path| {
        let mut c = Command::new("timeout");
        c.args(["--kill-after=5", &CHROMIUM_LIMIT_SECS.to_string(), chromium])
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("file://{}", p.display()));
        let (cost, status, _) = run_status(&mut c);
        (libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0).then_some(cost.wall)
    };
    let mut diffs = Vec::new();
    for _ in 0..3 {
        let blank = time(&empty)?;
        let Some(full) = time(page) else {
            return Some(None);
        };
        diffs.push(full.saturating_sub(blank));
    }
    Some(Some(median(diffs)))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--bare-parse") {
        let bytes = std::fs::read(&args[i + 1]).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        std::hint::black_box(&value);
        return;
    }
    // `--generate N FILE`: only write the document, for profiling by hand.
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let n: usize = args[i + 1].parse().expect("--generate N FILE");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&args[i + 2]).unwrap());
        scale_bom::write_bom(n, &mut out).unwrap();
        return;
    }
    let opts = options();
    let n = if opts.quick { 2_000 } else { 100_000 };
    let dir = std::env::temp_dir().join(format!("chainrisk-scale-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sbom_tools = sbom_tools(opts.with_sbom_tools);

    let bom = generate(&dir, n);
    let size = std::fs::metadata(&bom).unwrap().len();
    println!(
        "## {n} components ({:.1} MB), {} rounds, {} cores, load average before: {}\n",
        size as f64 / 1e6,
        opts.rounds,
        std::thread::available_parallelism().map_or(0, |p| p.get()),
        load_average()
    );
    let out = |ext: &str| dir.join(format!("report.{ext}"));
    let mut commands: Vec<(String, Command)> = vec![(
        "bare `serde_json::from_slice::<Value>`".into(),
        bare_parse(&bom),
    )];
    let mut json = chainrisk(&bom);
    json.args(["--format", "json", "-o"]).arg(out("json"));
    commands.push(("chainrisk `--format json -o FILE`".into(), json));
    commands.push(("chainrisk terminal summary".into(), chainrisk(&bom)));
    for (format, ext) in [
        ("sarif", "sarif"),
        ("csv", "csv"),
        ("cyclonedx", "cdx.json"),
        ("markdown", "md"),
        ("html", "html"),
    ] {
        let mut c = chainrisk(&bom);
        c.args(["--format", format, "-o"]).arg(out(ext));
        commands.push((format!("chainrisk `--format {format} -o FILE`"), c));
    }
    if let Some(bin) = &sbom_tools {
        let mut c = Command::new(bin);
        c.args(["quality", "--profile", "standard", "-o", "json"])
            .arg(&bom);
        commands.push((
            format!("sbom-tools {SBOM_TOOLS_VERSION} `quality --profile standard -o json`"),
            c,
        ));
    }
    let series = measure(opts.rounds, &mut commands);
    print_table(&series, &series[0]);
    println!("\nload average after: {}\n", load_average());

    let by = |prefix: &str| series.iter().find(|s| s.name.starts_with(prefix)).unwrap();
    let (parse, json, summary) = (&series[0], &series[1], &series[2]);
    let ratio = |a: &Series, b: &Series| a.wall().as_secs_f64() / b.wall().as_secs_f64();
    let mem = |a: &Series, b: &Series| a.peak() as f64 / b.peak() as f64;
    println!("Goals:");
    verdict(
        "1. JSON report, time vs bare parse",
        ratio(json, parse),
        1.5,
        "×",
    );
    verdict(
        "1. JSON report, memory vs bare parse",
        mem(json, parse),
        0.6,
        "×",
    );
    verdict(
        "1. terminal summary, time vs bare parse",
        ratio(summary, parse),
        1.0,
        "×",
    );
    verdict(
        "1. terminal summary, memory vs bare parse",
        mem(summary, parse),
        0.5,
        "×",
    );
    match series.iter().find(|s| s.name.starts_with("sbom-tools")) {
        Some(tools) => {
            let speedup = ratio(tools, json);
            let met = if speedup >= 3.0 { "met" } else { "NOT met" };
            println!("- 2. JSON report vs sbom-tools: {speedup:.2}× faster (goal ≥ 3×) — {met}");
        }
        None => println!("- 2. sbom-tools: not measured (run with --with-sbom-tools)"),
    }
    for format in ["sarif", "csv", "cyclonedx", "markdown", "html"] {
        let s = by(&format!("chainrisk `--format {format}"));
        verdict(
            &format!("4. {format} vs JSON report, time"),
            ratio(s, json),
            1.5,
            "×",
        );
    }
    let html_size = std::fs::metadata(out("html")).map_or(0, |m| m.len());
    verdict("4. HTML report size", html_size as f64 / 1e6, 20.0, " MB");
    match chromium_load(&out("html"), &dir) {
        Some(Some(t)) => verdict(
            "4. HTML load in headless Chromium",
            t.as_secs_f64(),
            5.0,
            " s",
        ),
        Some(None) => println!(
            "- 4. HTML load in headless Chromium: did not finish within {CHROMIUM_LIMIT_SECS} s (goal < 5 s) — NOT met"
        ),
        None => println!("- 4. HTML load: not measured (no chromium on the PATH)"),
    }

    if opts.million_rounds > 0 {
        let big_n = 1_000_000;
        let big = generate(&dir, big_n);
        let size = std::fs::metadata(&big).unwrap().len();
        println!(
            "\n## {big_n} components ({:.1} MB), {} rounds, load average before: {}\n",
            size as f64 / 1e6,
            opts.million_rounds,
            load_average()
        );
        let mut big_json = chainrisk(&big);
        big_json
            .args(["--format", "json", "-o"])
            .arg(out("1m.json"));
        let mut commands: Vec<(String, Command)> = vec![
            (
                "bare `serde_json::from_slice::<Value>`".into(),
                bare_parse(&big),
            ),
            ("chainrisk `--format json -o FILE`".into(), big_json),
            ("chainrisk terminal summary".into(), chainrisk(&big)),
        ];
        let big_series = measure(opts.million_rounds, &mut commands);
        print_table(&big_series, &big_series[0]);
        println!("\nload average after: {}\n", load_average());
        let big_json = &big_series[1];
        verdict(
            "3. 1M JSON report time vs 100k",
            ratio(big_json, json),
            11.0,
            "×",
        );
        println!(
            "- 3. 1M JSON report memory: {:.0} MiB ({:.2}× the 100k run; report file {:.0} MB, never held whole)",
            mib(big_json.peak()),
            mem(big_json, json),
            std::fs::metadata(out("1m.json")).map_or(0, |m| m.len()) as f64 / 1e6
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
