//! (being written)

use crate::ingest::{IngestError, Input, ParsedDoc};

pub fn parse_requirements(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}

pub fn parse_poetry(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}

pub fn parse_uv(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}

pub fn parse_pipfile(_input: &Input) -> Result<ParsedDoc, IngestError> {
    Err(IngestError::new("reader not yet available"))
}
