//! HTTP with bounded concurrency, timeouts, retries and body caps.
