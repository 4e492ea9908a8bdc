//! AArch64 encoder: one pure function per instruction form, typed registers and immediates, a code buffer with labels.
