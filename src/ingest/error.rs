//! Ingest errors: what was expected, and where.

use std::fmt;

/// A position in an input: line and column (1-based), a JSON pointer or XML
/// path, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: Option<String>,
}

impl Position {
    pub fn line_col(line: usize, column: usize) -> Position {
        Position {
            line: Some(line),
            column: Some(column),
            pointer: None,
        }
    }

    pub fn pointer(pointer: impl Into<String>) -> Position {
        Position {
            pointer: Some(pointer.into()),
            ..Position::default()
        }
    }

    /// Line and column of a byte offset in `bytes`.
    pub fn at_offset(bytes: &[u8], offset: usize) -> Position {
        let offset = offset.min(bytes.len());
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Position::line_col(line, column)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let (Some(l), Some(c)) = (self.line, self.column) {
            parts.push(format!("line {l}, column {c}"));
        } else if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(p) = &self.pointer {
            parts.push(format!("at {}", if p.is_empty() { "/" } else { p }));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Why an input could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngestError {
    pub message: String,
    pub position: Option<Position>,
}

impl IngestError {
    pub fn new(message: impl Into<String>) -> IngestError {
        IngestError {
            message: message.into(),
            position: None,
        }
    }

    pub fn at(message: impl Into<String>, position: Position) -> IngestError {
        IngestError {
            message: message.into(),
            position: Some(position),
        }
    }

    /// From a serde_json error, keeping its line and column and adding the
    /// JSON pointer of the value being read where serde_path_to_error knows it.
    pub fn from_json(e: &serde_json::Error, pointer: Option<String>) -> IngestError {
        let mut pos = if e.line() > 0 {
            Position::line_col(e.line(), e.column())
        } else {
            Position::default()
        };
        pos.pointer = pointer.filter(|p| !p.is_empty());
        // serde_json appends " at line L column C"; we give the position ourselves.
        let text = e.to_string();
        let text = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        let message = match e.classify() {
            serde_json::error::Category::Eof => format!("unexpected end of file: {text}"),
            serde_json::error::Category::Syntax => format!("invalid JSON: {text}"),
            _ => text,
        };
        IngestError::at(message, pos)
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) if *p != Position::default() => write!(f, "{p}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for IngestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_to_line_and_column() {
        let text = b"ab\ncd\nef";
        assert_eq!(Position::at_offset(text, 0), Position::line_col(1, 1));
        assert_eq!(Position::at_offset(text, 4), Position::line_col(2, 2));
        assert_eq!(Position::at_offset(text, 100), Position::line_col(3, 3));
    }

    #[test]
    fn json_errors_keep_position_once() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": tru").unwrap_err();
        let err = IngestError::from_json(&e, None);
        let s = err.to_string();
        assert!(s.starts_with("line 2, column"), "{s}");
        assert_eq!(s.matches("line").count(), 1, "{s}");
    }
}
