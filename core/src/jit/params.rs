//! JIT parameters.
