//! The registries the package managers use when nothing configures them.
//!
//! No registry address is written in chainrisk, so the built-in defaults are
//! asked of the tools themselves: `npm config get registry` (else pnpm's or
//! yarn's), pip's effective configuration (`pip config list`) and else the
//! default its own help states, `go env GOPROXY`, and for Cargo the sparse
//! index it keeps under `$CARGO_HOME/registry/index/`. This is the last
//! layer of [`super::endpoints`]: used only for an ecosystem the scan has
//! packages of and no flag, variable, policy entry or configuration file
//! names an endpoint for. `CHAINRISK_PACKAGE_MANAGERS=off` turns it off (a
//! lab that must not learn a public default, or tests).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::model::{Ecosystem, InputError};

/// How long one tool may take to answer before it is given up on.
const TOOL_TIMEOUT: Duration = Duration::from_secs(15);
/// Most output read from a tool (pip's help is about 10 KB).
const MAX_OUTPUT: u64 = 256 * 1024;

/// What a package manager said: the endpoint as it wrote it, and how it was
/// asked (shown as the endpoint's origin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub url: String,
    pub asked: String,
}

/// Whether the package managers may be asked (`CHAINRISK_PACKAGE_MANAGERS`
/// is not `off`, `0`, `no` or `false`).
pub fn enabled(env: &dyn Fn(&str) -> Option<String>) -> bool {
    !env("CHAINRISK_PACKAGE_MANAGERS").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "no" | "false"
        )
    })
}

/// Asks the ecosystem's package manager for its registry. `Ok(None)`: the
/// tool is not installed or has no answer; `Err`: an answer that cannot be
/// used, with why.
pub fn ask(
    eco: &Ecosystem,
    cwd: &Path,
    cargo_home: Option<&Path>,
) -> Result<Option<Answer>, InputError> {
    match eco {
        Ecosystem::Npm => Ok(npm(cwd)),
        Ecosystem::Pypi => Ok(pip(cwd)),
        Ecosystem::Golang => Ok(go(cwd)),
        Ecosystem::Cargo => match cargo_home {
            Some(home) => cargo_index(&home.join("registry/index")),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// npm, else pnpm, else yarn (berry's `npmRegistryServer`, classic's `registry`).
fn npm(cwd: &Path) -> Option<Answer> {
    let asks: [(&str, &[&str]); 4] = [
        ("npm", &["config", "get", "registry"]),
        ("pnpm", &["config", "get", "registry"]),
        ("yarn", &["config", "get", "npmRegistryServer"]),
        ("yarn", &["config", "get", "registry"]),
    ];
    asks.iter().find_map(|(tool, args)| {
        let out = run(tool, args, cwd)?;
        let url = out.trim();
        is_url(url).then(|| Answer {
            url: url.to_string(),
            asked: format!("`{tool} {}`", args.join(" ")),
        })
    })
}

/// pip's effective `index-url` (`[install]` over `[global]`, as pip reads
/// it for installs), else the default its `install --help` states.
fn pip(cwd: &Path) -> Option<Answer> {
    let pips: [(&str, &[&str]); 3] = [("python3", &["-m", "pip"]), ("pip3", &[]), ("pip", &[])];
    for (program, prefix) in pips {
        fn with<'a>(prefix: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
            prefix.iter().chain(more).copied().collect()
        }
        let Some(listed) = run(program, &with(prefix, &["config", "list"]), cwd) else {
            continue;
        };
        let command = |more: &[&str]| {
            let words: Vec<&str> = std::iter::once(program).chain(with(prefix, more)).collect();
            format!("`{}`", words.join(" "))
        };
        if let Some(url) = pip_config_index(&listed) {
            return Some(Answer {
                url,
                asked: command(&["config", "list"]),
            });
        }
        let help = run(program, &with(prefix, &["install", "--help"]), cwd)?;
        return pip_default_index(&help).map(|url| Answer {
            url,
            asked: format!("{} (pip's default)", command(&["install", "--help"])),
        });
    }
    None
}

/// `install.index-url='…'` over `global.index-url='…'` in `pip config list`.
fn pip_config_index(listed: &str) -> Option<String> {
    let value = |section: &str| {
        listed.lines().find_map(|l| {
            let (key, value) = l.split_once('=')?;
            let key = key.trim().replace('_', "-");
            (key == format!("{section}.index-url"))
                .then(|| value.trim().trim_matches(['\'', '"']).to_string())
        })
    };
    value("install")
        .or_else(|| value("global"))
        .filter(|u| is_url(u))
}

/// The `(default URL)` pip's help gives for `--index-url`; the help wraps
/// its lines anywhere, so the words are read as one line.
fn pip_default_index(help: &str) -> Option<String> {
    let words: Vec<&str> = help.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "--index-url")?;
    let rest = &words[at..words.len().min(at + 40)];
    let default = rest.windows(2).find(|w| w[0] == "(default")?[1];
    let url = default.trim_end_matches(['.', ',']).trim_end_matches(')');
    is_url(url).then(|| url.to_string())
}

/// The first proxy URL `go env GOPROXY` prints (its default included).
fn go(cwd: &Path) -> Option<Answer> {
    let out = run("go", &["env", "GOPROXY"], cwd)?;
    let url = out
        .trim()
        .split([',', '|'])
        .map(str::trim)
        .find(|e| is_url(e))?;
    Some(Answer {
        url: url.to_string(),
        asked: "`go env GOPROXY`".to_string(),
    })
}

/// The sparse index Cargo keeps under `registry/index/`: a directory named
/// `<host>-<hash>` holding `config.json` (a git index has `.git` instead).
/// Cargo speaks the sparse protocol over https on the default port, so the
/// host names the index. Several sparse indexes (alternative registries
/// beside crates.io) cannot be told apart from their names: that is an
/// error listing them, never a guess.
fn cargo_index(dir: &Path) -> Result<Option<Answer>, InputError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut sparse: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("config.json").is_file() && !p.join(".git").exists())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let (host, hash) = name.rsplit_once('-')?;
            (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !host.is_empty())
                .then(|| (host.to_string(), p))
        })
        .collect();
    sparse.sort();
    match sparse.as_slice() {
        [] => Ok(None),
        [(host, path)] => Ok(Some(Answer {
            url: format!("sparse+https://{host}/"),
            asked: format!("{} (the sparse index Cargo uses)", path.display()),
        })),
        many => Err(InputError::new(format!(
            "{} holds {} sparse indexes ({}); which one serves crates-io is not recorded: name it with --registry cargo=URL",
            dir.display(),
            many.len(),
            many.iter()
                .map(|(h, _)| h.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && s.len() > "https://".len()
}

/// Runs a tool with no input and returns its standard output, or `None`
/// when it is not installed, fails, or takes longer than [`TOOL_TIMEOUT`]
/// (then it is killed).
fn run(program: &str, args: &[&str], cwd: &Path) -> Option<String> {
    run_within(program, args, cwd, TOOL_TIMEOUT)
}

/// [`run`] with its time limit, which also bounds the wait for the output
/// to end (a process the tool left behind may hold the pipe open).
fn run_within(program: &str, args: &[&str], cwd: &Path, limit: Duration) -> Option<String> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    // Read on a thread, so a chatty tool never blocks on a full pipe.
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.take(MAX_OUTPUT).read_to_end(&mut out);
        let _ = sender.send(out);
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    let out = received
        .recv_timeout(limit.saturating_sub(started.elapsed()))
        .ok()?;
    status
        .success()
        .then(|| String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_help_default_is_read_across_wrapped_lines() {
        let help = "  -i, --index-url <url>       Base URL of the Python Package Index (default\n                              https://registry.example/simple). This should point to a\n  --extra-index-url <url>     Extra URLs (default none)\n";
        assert_eq!(
            pip_default_index(help).as_deref(),
            Some("https://registry.example/simple")
        );
        assert_eq!(pip_default_index("no such option here"), None);
    }

    #[test]
    fn pip_config_list_prefers_install_over_global() {
        let listed = ":env:.cert='/etc/ssl/certs/ca.crt'\nglobal.index-url='https://a.example/simple'\ninstall.index-url='https://b.example/simple'\n";
        assert_eq!(
            pip_config_index(listed).as_deref(),
            Some("https://b.example/simple")
        );
        assert_eq!(
            pip_config_index("global.index_url=\"https://a.example/simple\"\n").as_deref(),
            Some("https://a.example/simple")
        );
        assert_eq!(pip_config_index("global.cert='/x'\n"), None);
    }

    #[test]
    fn cargo_index_directory_names_the_sparse_host_and_refuses_to_guess() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path();
        assert_eq!(cargo_index(&index.join("absent")).unwrap(), None);
        // A git index and a name that is no `<host>-<hash>` are not sparse indexes.
        std::fs::create_dir_all(index.join("git.example-0123456789abcdef/.git")).unwrap();
        std::fs::write(index.join("git.example-0123456789abcdef/config.json"), "{}").unwrap();
        std::fs::create_dir_all(index.join("stray")).unwrap();
        std::fs::write(index.join("stray/config.json"), "{}").unwrap();
        assert_eq!(cargo_index(index).unwrap(), None);
        let one = index.join("index.registry.example-1949cf8c6b5b557f");
        std::fs::create_dir_all(&one).unwrap();
        std::fs::write(one.join("config.json"), "{}").unwrap();
        let answer = cargo_index(index).unwrap().unwrap();
        assert_eq!(answer.url, "sparse+https://index.registry.example/");
        assert!(
            answer
                .asked
                .contains("index.registry.example-1949cf8c6b5b557f")
        );
        let two = index.join("other.example-aaaaaaaaaaaaaaaa");
        std::fs::create_dir_all(&two).unwrap();
        std::fs::write(two.join("config.json"), "{}").unwrap();
        let e = cargo_index(index).unwrap_err().to_string();
        assert!(
            e.contains("2 sparse indexes") && e.contains("--registry cargo=URL"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_or_failing_tool_is_no_answer() {
        let cwd = std::env::temp_dir();
        assert_eq!(run("chainrisk-no-such-tool", &[], &cwd), None);
        assert_eq!(run("false", &[], &cwd), None);
        assert_eq!(run("echo", &["hi"], &cwd).as_deref(), Some("hi\n"));
    }

    #[test]
    fn a_tool_that_leaves_its_output_open_is_given_up_on_in_time() {
        let cwd = std::env::temp_dir();
        let started = Instant::now();
        let got = run_within(
            "sh",
            &["-c", "sleep 5 & echo hi"],
            &cwd,
            Duration::from_millis(500),
        );
        assert_eq!(got, None);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_switch_turns_asking_off() {
        assert!(enabled(&|_| None));
        assert!(!enabled(&|_| Some("off".into())));
        assert!(!enabled(&|_| Some("0".into())));
        assert!(enabled(&|_| Some("on".into())));
    }
}
