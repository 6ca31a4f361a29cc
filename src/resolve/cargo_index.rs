//! Cargo sparse index client.

use super::client::{Fetched, Validators};
use super::http::Target;

pub(crate) async fn fetch(
    _target: &Target<'_>,
    name: &str,
    _validators: Option<&Validators>,
) -> Fetched {
    Fetched::Failed(format!("{name}: client not written yet"))
}
