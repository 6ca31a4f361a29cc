//! `chainrisk snapshot export|info`.

use super::{EXIT_USAGE, SnapshotExportArgs, SnapshotInfoArgs};
use crate::report;
use crate::resolve::cache;
use crate::resolve::snapshot::{self, Snapshot, SnapshotPackage};

pub fn export(args: &SnapshotExportArgs) -> u8 {
    match write_snapshot(args) {
        Ok(code) => code,
        Err(e) => {
            stderr_line!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn write_snapshot(args: &SnapshotExportArgs) -> Result<u8, String> {
    let inputs: Vec<(&std::path::Path, &str)> =
        args.inputs.iter().map(|p| (p.as_path(), "input")).collect();
    super::same_file::refuse_overwriting(&[args.output.as_path()], &inputs)?;
    let now = report::scan_timestamp();
    // The policy of the current directory, for its [registries].
    let loaded = crate::policy::discover(None).map_err(|e| e.to_string())?;
    let mut options = super::resolve::options(&args.resolve, None, now, &loaded.policy)?;
    let mut code = 0;
    let packages: Vec<SnapshotPackage> = if args.inputs.is_empty() {
        // The whole cache, as it is: no input, nothing to resolve.
        let location = options.cache.as_ref().ok_or_else(|| {
            "no cache to export (--no-cache, or no cache directory): give inputs to resolve, or --cache PATH"
                .to_string()
        })?;
        if !location.exists() {
            return Err(format!("no cache at {location}: nothing to export"));
        }
        let (cache, warnings) = cache::open(location)?;
        for w in warnings {
            stderr_line!("warning: {w}");
        }
        let all: Vec<SnapshotPackage> = cache
            .all()?
            .iter()
            .map(SnapshotPackage::from_entry)
            .collect();
        if all.is_empty() {
            return Err(format!(
                "nothing to export: the cache {location} holds no package facts"
            ));
        }
        all
    } else {
        let mut inventory = crate::ingest::ingest_with(
            &args.inputs,
            &crate::ingest::IngestOptions {
                offline: args.resolve.offline,
                include_roots: args.resolve.include_roots.clone(),
                // A snapshot needs the package list, not the files' digests.
                no_verify_files: true,
                platform: None,
            },
        );
        for d in &inventory.documents {
            if let Some(e) = &d.error {
                stderr_line!("error: {}: {e}", d.path);
                code = EXIT_USAGE;
            }
        }
        // Distribution packages are keyed by their release's codename.
        let lifecycle = match std::env::var("CHAINRISK_LIFECYCLE_DATA").as_deref() {
            Ok("bundled") => crate::lifecycle::Lifecycle::bundled(),
            Ok(root) => crate::lifecycle::Lifecycle::load(std::path::Path::new(root)),
            Err(_) => crate::lifecycle::Lifecycle::load(std::path::Path::new("/")),
        };
        lifecycle.complete_inventory(&mut inventory);
        options.development_series =
            lifecycle.development_series(jiff::tz::TimeZone::UTC.to_datetime(options.now).date());
        crate::resolve::ask_package_managers(&mut options, &inventory);
        let outcome = crate::resolve::resolve_packages(&inventory, &options);
        for w in &outcome.warnings {
            stderr_line!("warning: {w}");
        }
        for e in &outcome.resolution.ecosystems {
            if let Some(note) = &e.note {
                stderr_line!("warning: {}: {note}", e.ecosystem.as_str());
            }
        }
        for e in &outcome.resolution.errors {
            stderr_line!("warning: {e}");
        }
        // The versions this inventory uses: a cache entry fetched by an
        // earlier scan may have been asked about other ones.
        let mut in_use: std::collections::BTreeMap<_, Vec<String>> = Default::default();
        for c in &inventory.components {
            if let (Some(key), Some(v)) = (crate::resolve::keys::package_key(c), &c.version) {
                in_use.entry(key).or_default().push(v.clone());
            }
        }
        if outcome.packages.is_empty() {
            let asked: usize = outcome
                .resolution
                .ecosystems
                .iter()
                .map(|e| e.packages)
                .sum();
            return Err(format!(
                "nothing to export: none of the {asked} registry package(s) of the inputs has facts{} (see the warnings above)",
                if args.resolve.offline {
                    " in the cache"
                } else {
                    " in the cache or at a configured registry"
                }
            ));
        }
        outcome
            .packages
            .iter()
            .map(|(key, r)| {
                let mut p = SnapshotPackage::from_entry(&r.entry);
                for v in in_use.remove(key).unwrap_or_default() {
                    if !p.checked.contains(&v) {
                        p.checked.push(v);
                    }
                }
                let checked = p.checked.clone();
                p.keep_checksums_of(&checked)
            })
            .collect()
    };
    let tool = report::Tool::current(crate::rules::catalogue::RULESET_VERSION);
    let snap = Snapshot::new(tool, report::format_time(now), packages);
    snap.write(&args.output)?;
    stderr_line!(
        "wrote {} package(s) to {}",
        snap.packages.len(),
        args.output.display()
    );
    Ok(code)
}

pub fn info(args: &SnapshotInfoArgs) -> u8 {
    match snapshot::load(&args.file) {
        Ok(loaded) => {
            print!(
                "{}",
                snapshot::describe(&loaded, report::scan_timestamp(), args.max_age_days)
            );
            0
        }
        Err(e) => {
            stderr_line!("error: {e}");
            EXIT_USAGE
        }
    }
}
