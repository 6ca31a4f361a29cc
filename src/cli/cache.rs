//! `chainrisk cache stats|clear`, for a cache file or a shared database.

use super::{CacheArgs, EXIT_USAGE};
use crate::model::untrusted::escape;
use crate::resolve::cache::{self, Cache};

/// The cache, or `None` when there is no file yet (nothing to show or clear:
/// neither command creates one).
fn open(args: &CacheArgs) -> Result<Option<Cache>, String> {
    let loaded = crate::policy::discover(None).map_err(|e| e.to_string())?;
    let location = super::resolve::cache_location(false, args.cache.as_ref(), &loaded.policy)?
        .ok_or_else(|| {
            "no cache directory is known for this user; give --cache PATH|URL or CHAINRISK_CACHE"
                .to_string()
        })?;
    if !location.exists() {
        println!("no cache at {location}");
        return Ok(None);
    }
    let (cache, warnings) = cache::open(&location)?;
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
    println!("cache      {}", stats.location);
    if let Some(why) = read_only {
        println!("read-only  {why}");
    }
    println!(
        "entries    {} ({} not found at their registry)",
        stats.entries(),
        stats.not_found
    );
    // Ecosystem names and times are read from the cache, which may be anyone's.
    for (eco, n) in &stats.per_ecosystem {
        println!("  {:<8} {n}", escape(eco));
    }
    println!("indexes    {}", stats.indexes);
    println!("size       {} KiB", stats.size_bytes.div_ceil(1024));
    if let (Some(oldest), Some(newest)) = (&stats.oldest, &stats.newest) {
        println!("fetched    {} .. {}", escape(oldest), escape(newest));
    }
    0
}

pub fn clear(args: &CacheArgs) -> u8 {
    let cutoff = args.older_than.map(|days| {
        let age =
            jiff::SignedDuration::try_from(std::time::Duration::from_secs_f64(days * 86_400.0))
                .unwrap_or(jiff::SignedDuration::MAX);
        jiff::Timestamp::now()
            .checked_sub(age)
            .unwrap_or(jiff::Timestamp::MIN)
    });
    let cleared = open(args).and_then(|c| {
        c.map(|mut c| {
            let location = c.location();
            c.clear(cutoff).map(|n| (n, location))
        })
        .transpose()
    });
    match cleared {
        Ok(Some((n, location))) => {
            match args.older_than {
                Some(days) => {
                    println!("removed {n} entries fetched over {days} days ago from {location}")
                }
                None => println!("removed {n} entries from {location}"),
            }
            0
        }
        Ok(None) => 0,
        Err(e) => {
            stderr_line!("error: {e}");
            EXIT_USAGE
        }
    }
}
