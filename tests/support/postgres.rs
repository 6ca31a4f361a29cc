//! A throwaway PostgreSQL cluster for the tests: `initdb` and `pg_ctl` in a
//! temporary directory, listening on a free loopback port only, stopped and
//! removed when dropped. Run as root (CI), the server runs as the
//! unprivileged `postgres` user (or `nobody`), as PostgreSQL requires.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The superuser's password: no output of chainrisk may ever contain it.
pub const PASSWORD: &str = "pw-never-shown-7f3a9c";
pub const SUPERUSER: &str = "chainrisk";

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// The unprivileged user the server runs as, when the tests run as root.
    run_as: Option<String>,
}

/// The directory holding `initdb` and `pg_ctl`: on `PATH`, else Debian's
/// `/usr/lib/postgresql/<version>/bin` (the newest).
fn server_binaries() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn user_exists(name: &str) -> bool {
    Command::new("id")
        .arg("-u")
        .arg(name)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl Cluster {
    /// Starts a cluster, or fails saying what to install. Without the server
    /// binaries and without `CI`, returns `None` after saying so.
    pub fn start() -> Option<Cluster> {
        let Some(bin) = server_binaries() else {
            let why = "the PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt install postgresql (Debian), or put them on PATH";
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set, and CI skips no test: {why}"
            );
            eprintln!("skipped: {why}");
            return None;
        };
        let dir = tempfile::tempdir().expect("a temporary directory");
        let run_as = running_as_root().then(|| {
            if user_exists("postgres") {
                "postgres"
            } else {
                "nobody"
            }
            .to_string()
        });
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown {user} {}", dir.path().display());
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if let Some(user) = &run_as {
            Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&pwfile)
                .status()
                .unwrap();
        }
        let cluster = Cluster {
            port: free_port(),
            bin,
            run_as,
            dir,
        };
        let data = cluster.data();
        let out = cluster
            .server_command("initdb")
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.start_server();
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A server binary, run as the unprivileged user when the tests are root.
    fn server_command(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
        );
    }

    /// Stops the server at once (connections are cut).
    pub fn stop_server(&self) {
        let _ = self
            .server_command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-w", "-m", "immediate", "stop"])
            .output();
    }

    /// A URL of database `db` as the superuser, password included.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// Runs SQL through psql as the superuser; its output (unaligned, tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql {sql}: {e}"))
    }

    /// [`Cluster::psql`], its error as a value.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let client = self.bin.join("psql");
        let program = if client.is_file() {
            client
        } else {
            PathBuf::from("psql")
        };
        let out = Command::new(program)
            .env("PGPASSWORD", PASSWORD)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
            ])
            .args(["-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .output()
            .map_err(|e| format!("psql does not run: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).to_string());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// A new empty database; its URL.
    pub fn database(&self, name: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(name)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_server();
    }
}
