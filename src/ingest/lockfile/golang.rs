//! (being written)

use crate::ingest::{IngestError, Input, ParsedDoc};

pub fn parse_go_mod(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}

pub fn parse_go_sum(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}
