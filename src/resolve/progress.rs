//! Progress on stderr when it is a terminal.
