//! Register allocation over the linear trace.
