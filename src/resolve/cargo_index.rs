//! Cargo sparse index client.
