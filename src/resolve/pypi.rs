//! PyPI JSON API client.
