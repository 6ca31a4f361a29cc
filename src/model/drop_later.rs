//! Large temporaries freed on a worker thread, so that the pipeline's
//! sequential steps do not wait for hundreds of thousands of frees.

/// Drops `value` on rayon's pool instead of here. For what a sequential
/// step leaves behind (a document's reference strings after merging: 14 ms
/// of a 100,000-component merge); the memory returns to the allocator as
/// soon as a worker is free, for the next steps to reuse.
pub fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_value_is_dropped_on_the_pool() {
        let shared = Arc::new(vec![1u8; 1024]);
        drop_later(Arc::clone(&shared));
        // The only other owner goes away once the pool has run the drop.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while Arc::strong_count(&shared) > 1 {
            assert!(std::time::Instant::now() < deadline, "never dropped");
            std::thread::yield_now();
        }
    }
}
