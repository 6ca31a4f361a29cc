//! (being written)

use crate::ingest::{IngestError, Input, ParsedDoc};

pub fn parse_manifest(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}

pub fn parse_lock(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}
