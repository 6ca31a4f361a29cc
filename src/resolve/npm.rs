//! npm registry client (packuments).
