//! Go module proxy client.
