//! The interpreter: dispatch loop, calls and returns, metamethods, errors, coroutines.
