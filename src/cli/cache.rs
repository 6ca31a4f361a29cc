//! `chainrisk cache stats|clear`.

use super::{CacheArgs, EXIT_USAGE};
use crate::model::untrusted::escape;
use crate::resolve::cache::{self, Cache};

/// The cache, or `None` when there is no file yet (nothing to show or clear:
/// neither command creates one).
fn open(args: &CacheArgs) -> Result<Option<Cache>, String> {
    let path = args
        .cache
        .clone()
        .or_else(cache::default_path)
        .ok_or_else(|| {
            "no cache directory is known for this user; give --cache PATH or CHAINRISK_CACHE"
                .to_string()
        })?;
    if !path.exists() {
        println!("no cache at {}", path.display());
        return Ok(None);
    }
    let (cache, warnings) = Cache::open(&path)?;
    for w in warnings {
        stderr_line!("warning: {w}");
    }
    Ok(Some(cache))
}

pub fn stats(args: &CacheArgs) -> u8 {
    let opened = open(args).and_then(|c| {
        c.map(|c| Ok((c.stats()?, c.read_only().map(str::to_string))))
            .transpose()
    });
    let (stats, read_only) = match opened {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(e) => {
            stderr_line!("error: {e}");
            return EXIT_USAGE;
        }
    };
    println!("cache      {}", stats.path.display());
    if let Some(why) = read_only {
        println!("read-only  {why}");
    }
    println!(
        "entries    {} ({} not found at their registry)",
        stats.entries(),
        stats.not_found
    );
    // Ecosystem names and times are read from the file, which may be anyone's.
    for (eco, n) in &stats.per_ecosystem {
        println!("  {:<8} {n}", escape(eco));
    }
    println!("size       {} KiB", stats.size_bytes.div_ceil(1024));
    if let (Some(oldest), Some(newest)) = (&stats.oldest, &stats.newest) {
        println!("fetched    {} .. {}", escape(oldest), escape(newest));
    }
    0
}

pub fn clear(args: &CacheArgs) -> u8 {
    let cleared = open(args).and_then(|c| {
        c.map(|mut c| {
            let path = c.path().display().to_string();
            c.clear().map(|n| (n, path))
        })
        .transpose()
    });
    match cleared {
        Ok(Some((n, path))) => {
            println!("removed {n} entries from {path}");
            0
        }
        Ok(None) => 0,
        Err(e) => {
            stderr_line!("error: {e}");
            EXIT_USAGE
        }
    }
}
