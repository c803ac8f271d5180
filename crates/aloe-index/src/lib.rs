//! The indexer: the protocol's events followed into SQLite, and the queries the API and dashboard read.
