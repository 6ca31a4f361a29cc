//! The one error of every input chainrisk reads — SBOMs, lockfiles,
//! products, policies, baselines, advisories, snapshots: the file, the
//! position in it, and what was expected.

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

    pub fn line(line: usize) -> Position {
        Position {
            line: Some(line),
            ..Position::default()
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

/// Why an input could not be read. Ingest leaves `file` out: the document
/// that failed is named beside the error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub file: Option<String>,
    pub position: Option<Position>,
    pub message: String,
}

impl InputError {
    pub fn new(message: impl Into<String>) -> InputError {
        InputError {
            file: None,
            message: message.into(),
            position: None,
        }
    }

    pub fn at(message: impl Into<String>, position: Position) -> InputError {
        InputError {
            file: None,
            message: message.into(),
            position: Some(position),
        }
    }

    /// An error in `file`, at `position` if known.
    pub fn in_file(
        file: impl Into<String>,
        position: Option<Position>,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            file: Some(file.into()),
            position,
            message: message.into(),
        }
    }

    /// The same error in `file`, unless it already names one: readers that
    /// know only the text leave the file to their caller.
    pub fn with_file(mut self, file: impl Into<String>) -> InputError {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }

    /// The same error at `position`, unless it already has one: helpers that
    /// see one value leave its place in the file to their caller.
    pub fn with_position(mut self, position: Position) -> InputError {
        if self.position.is_none() {
            self.position = Some(position);
        }
        self
    }

    /// The same error with `context` before its message (`context: message`):
    /// what was being read when the reader failed.
    pub fn context(mut self, context: impl std::fmt::Display) -> InputError {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The 1-based line, when the error has one.
    pub fn line(&self) -> Option<usize> {
        self.position.as_ref().and_then(|p| p.line)
    }

    /// From a serde_json error, keeping its line and column and adding the
    /// JSON pointer of the value being read where serde_path_to_error knows it.
    pub fn from_json(e: &serde_json::Error, pointer: Option<String>) -> InputError {
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
        InputError::at(message, pos)
    }
}

/// With a file, as compilers write it (`file:line:column: message`, and
/// `file:line:column: at PATH: message` when the path of the value is known);
/// without, the position in words (`line 3, column 7, at /components/2: …`).
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let position = self
            .position
            .as_ref()
            .filter(|p| **p != Position::default());
        match (&self.file, position) {
            (Some(file), Some(p)) => {
                match (p.line, p.column) {
                    (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: ")?,
                    (Some(l), None) => write!(f, "{file}:{l}: ")?,
                    _ => write!(f, "{file}: ")?,
                }
                if let Some(pointer) = &p.pointer {
                    let pointer = if pointer.is_empty() { "/" } else { pointer };
                    write!(f, "at {pointer}: ")?;
                }
                f.write_str(&self.message)
            }
            (Some(file), None) => write!(f, "{file}: {}", self.message),
            (None, Some(p)) => write!(f, "{p}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// For the command line, whose errors are text.
impl From<InputError> for String {
    fn from(e: InputError) -> String {
        e.to_string()
    }
}

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
    fn a_file_is_written_as_compilers_write_it() {
        let at = |p| InputError::in_file("p.toml", p, "expected a table");
        assert_eq!(
            at(Some(Position::line_col(3, 7))).to_string(),
            "p.toml:3:7: expected a table"
        );
        assert_eq!(
            at(Some(Position::line(3))).to_string(),
            "p.toml:3: expected a table"
        );
        assert_eq!(at(None).to_string(), "p.toml: expected a table");
        let mut both = Position::line_col(3, 7);
        both.pointer = Some("packages[0].name".into());
        assert_eq!(
            at(Some(both)).to_string(),
            "p.toml:3:7: at packages[0].name: expected a table"
        );
        assert_eq!(
            at(Some(Position::pointer("/a"))).to_string(),
            "p.toml: at /a: expected a table"
        );
        assert_eq!(
            InputError::new("expected a table")
                .with_file("p.toml")
                .with_file("other.toml")
                .to_string(),
            "p.toml: expected a table"
        );
        assert_eq!(
            InputError::at("expected a string", Position::pointer("/a")).to_string(),
            "at /a: expected a string"
        );
    }

    #[test]
    fn json_errors_keep_position_once() {
        let e = serde_json::from_str::<serde_json::Value>("{\n  \"a\": tru").unwrap_err();
        let err = InputError::from_json(&e, None);
        let s = err.to_string();
        assert!(s.starts_with("line 2, column"), "{s}");
        assert_eq!(s.matches("line").count(), 1, "{s}");
    }
}
