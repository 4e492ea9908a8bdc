//! Optimization passes over a trace, one per file.
