//! Reports (being written).
pub struct Assessment;
