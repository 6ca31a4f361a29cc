//! Long lists written in windows whose parts are serialised in parallel,
//! then written in order: the JSON report's components, dependencies and
//! findings, and the CSV report's rows.

use rayon::prelude::*;
use std::io::{self, Write};

/// Items serialised together before they are written: enough to keep the
/// available cores busy, few enough that memory stays bounded.
pub(crate) const WINDOW: usize = 8_192;
/// Parts of a window, serialised in parallel.
const PARTS: usize = 8;

/// Writes `items` into `out` a window at a time, each part of a window
/// serialised by `part` into a buffer of its own; `between` is written
/// between two parts (a JSON array's comma).
pub fn write_in_windows<T: Sync>(
    items: &[T],
    out: &mut dyn Write,
    between: &[u8],
    part: impl Fn(&[T], &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    // One buffer per part, reused by every window: fresh buffers per window
    // cost more in new pages than the serialising they parallelised.
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); PARTS];
    for (w, window) in items.chunks(WINDOW).enumerate() {
        let parts: Vec<&[T]> = window.chunks(WINDOW / PARTS).collect();
        buffers[..parts.len()]
            .par_iter_mut()
            .zip(parts.par_iter())
            .try_for_each(|(buf, items)| {
                buf.clear();
                part(items, buf)
            })?;
        for (i, buf) in buffers[..parts.len()].iter().enumerate() {
            if w > 0 || i > 0 {
                out.write_all(between)?;
            }
            out.write_all(buf)?;
        }
    }
    Ok(())
}
