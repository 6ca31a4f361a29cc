//! (being written)

use crate::ingest::{IngestError, Input, ParsedDoc};

pub fn parse(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}
