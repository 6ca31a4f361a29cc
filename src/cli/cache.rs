//! `chainrisk cache stats|clear`.

use super::{CacheArgs, EXIT_USAGE};
use crate::resolve::cache::{self, Cache};

fn open(args: &CacheArgs) -> Result<Cache, String> {
    let path = args
        .cache
        .clone()
        .or_else(cache::default_path)
        .ok_or_else(|| {
            "no cache directory is known for this user; give --cache PATH or CHAINRISK_CACHE"
                .to_string()
        })?;
    let (cache, warnings) = Cache::open(&path)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(cache)
}

pub fn stats(args: &CacheArgs) -> u8 {
    let stats = match open(args).and_then(|c| c.stats()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    println!("cache      {}", stats.path.display());
    println!(
        "entries    {} ({} not found at their registry)",
        stats.entries(),
        stats.not_found
    );
    for (eco, n) in &stats.per_ecosystem {
        println!("  {eco:<8} {n}");
    }
    println!("size       {} KiB", stats.size_bytes.div_ceil(1024));
    if let (Some(oldest), Some(newest)) = (&stats.oldest, &stats.newest) {
        println!("fetched    {oldest} .. {newest}");
    }
    0
}

pub fn clear(args: &CacheArgs) -> u8 {
    match open(args).and_then(|mut c| c.clear().map(|n| (n, c))) {
        Ok((n, c)) => {
            println!("removed {n} entries from {}", c.path().display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
