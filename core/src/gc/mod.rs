//! Garbage collector: heap, object headers, mark & sweep, weak tables, finalizers.
