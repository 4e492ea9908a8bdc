//! The host interface: executable memory (W^X, I-cache maintenance) that hosts implement.
//!
//! The JIT never maps memory or touches page tables itself. It asks a [`CodeMemory`] (provided
//! by `crescent-host-std` in a process, by `crescent-host-bare` on bare metal) for a
//! [`CodeRegion`], and then alternates between two states for parts of it:
//!
//! ```text
//! reserve ──> (read-only) ──make_writable──> writable ──make_executable──> executable
//!                                               ^                              │
//!                                               └────────make_writable─────────┘
//! ```
//!
//! # Invariants every implementation upholds
//! - **W^X**: no byte of a region is ever writable and executable at the same time (for the
//!   thread that uses it). A region starts neither writable nor executable.
//! - **Page granularity**: permissions change for whole pages ([`CodeMemory::page_size`]). A call
//!   on `offset..offset + len` affects every page that range touches, so after `make_writable`
//!   no code in those pages may run until `make_executable` has covered them again.
//! - **Coherence**: when `make_executable` returns `Ok`, instruction fetch sees exactly the bytes
//!   written to the range: the data cache is cleaned to the point of unification, the
//!   instruction cache invalidated, and barriers (`DSB`, `ISB` on AArch64) issued. On hosts with
//!   coherent instruction caches (x86_64) this part is a no-op.
//! - **Stable addresses**: a region never moves and keeps its size until it is released, so
//!   emitted code may hold absolute addresses into it and branches inside one region stay in
//!   range (DESIGN.md: side-trace links stay within one region).
//! - Regions are not `Clone`: the only handle to a region is the one `reserve` returned, and
//!   `release` consumes it.
//!
//! Writing code is either [`CodeMemory::write`] (one call: writable, copy, executable), or
//! `make_writable`, raw stores through [`CodeRegion::base`], then `make_executable` when many
//! pieces are emitted at once.

use core::fmt;
use core::ptr::NonNull;

/// A page-aligned block of memory reserved for generated code by a [`CodeMemory`].
///
/// It is only a handle (address and length); the host owns the mapping. Obtained from
/// [`CodeMemory::reserve`], given back with [`CodeMemory::release`].
#[derive(Debug, PartialEq, Eq)]
pub struct CodeRegion {
    base: NonNull<u8>,
    len: usize,
}

impl CodeRegion {
    /// Wraps a host mapping.
    ///
    /// # Safety
    /// `base..base + len` must be memory the calling host has reserved for code, page-aligned,
    /// and valid until the host releases this region. Only hosts create regions.
    pub unsafe fn from_raw_parts(base: NonNull<u8>, len: usize) -> CodeRegion {
        CodeRegion { base, len }
    }

    /// The first byte of the region.
    pub fn base(&self) -> NonNull<u8> {
        self.base
    }

    /// The region's size in bytes (a multiple of the host's page size).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the region has no bytes (hosts never hand out such regions).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The address of byte `offset`, for calling or linking to code there; `None` past the end.
    pub fn addr(&self, offset: usize) -> Option<usize> {
        (offset < self.len).then(|| self.base.as_ptr() as usize + offset)
    }

    /// Checks that `offset..offset + len` lies inside the region.
    pub fn check_range(&self, offset: usize, len: usize) -> Result<(), CodeMemoryError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(CodeMemoryError::OutOfBounds {
                offset,
                len,
                region_len: self.len,
            }),
        }
    }
}

/// Why a [`CodeMemory`] operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodeMemoryError {
    /// The host could not reserve `size` bytes of code memory.
    OutOfMemory {
        /// The size asked for.
        size: usize,
    },
    /// `offset..offset + len` is not inside a region of `region_len` bytes.
    OutOfBounds {
        /// Start of the range.
        offset: usize,
        /// Length of the range.
        len: usize,
        /// Size of the region.
        region_len: usize,
    },
    /// The region was not reserved by this host, or was released.
    UnknownRegion,
    /// The host failed to change page permissions; `code` is the OS error number (0 if none).
    Protection {
        /// OS error number, or 0.
        code: i32,
    },
}

impl fmt::Display for CodeMemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CodeMemoryError::OutOfMemory { size } => {
                write!(f, "cannot reserve {size} bytes of code memory")
            }
            CodeMemoryError::OutOfBounds {
                offset,
                len,
                region_len,
            } => write!(
                f,
                "code range {offset}+{len} is outside a region of {region_len} bytes"
            ),
            CodeMemoryError::UnknownRegion => f.write_str("code region not owned by this host"),
            CodeMemoryError::Protection { code } => {
                write!(f, "cannot change code memory protection (os error {code})")
            }
        }
    }
}

/// Executable memory as a host provides it. See the module documentation for the invariants.
///
/// The trait is object-safe: the JIT holds a `Box<dyn CodeMemory>`.
pub trait CodeMemory {
    /// The granularity of permission changes, in bytes (a power of two).
    fn page_size(&self) -> usize;

    /// Reserves a region of at least `size` bytes (rounded up to whole pages), neither
    /// writable nor executable.
    fn reserve(&mut self, size: usize) -> Result<CodeRegion, CodeMemoryError>;

    /// Makes the pages covering `offset..offset + len` of `region` writable and not executable.
    fn make_writable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError>;

    /// Makes the pages covering `offset..offset + len` of `region` executable and not writable,
    /// and makes the bytes of that range visible to instruction fetch.
    fn make_executable(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        len: usize,
    ) -> Result<(), CodeMemoryError>;

    /// Gives a region back to the host.
    ///
    /// # Safety
    /// No code in the region may be running or run later, and no pointer into it may be used.
    unsafe fn release(&mut self, region: CodeRegion) -> Result<(), CodeMemoryError>;

    /// Copies `code` to `offset` in `region` and leaves it executable: the whole W^X cycle for
    /// one piece of code (a new trace, or a patched branch).
    fn write(
        &mut self,
        region: &CodeRegion,
        offset: usize,
        code: &[u8],
    ) -> Result<(), CodeMemoryError> {
        region.check_range(offset, code.len())?;
        if code.is_empty() {
            return Ok(());
        }
        self.make_writable(region, offset, code.len())?;
        // SAFETY: the range is inside the region (checked above), which the host keeps mapped,
        // and `make_writable` just made it writable. `copy` tolerates `code` overlapping it.
        unsafe {
            core::ptr::copy(
                code.as_ptr(),
                region.base().as_ptr().add(offset),
                code.len(),
            );
        }
        self.make_executable(region, offset, code.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_region(len: usize) -> CodeRegion {
        // SAFETY: the region is only used for bounds arithmetic, never dereferenced.
        unsafe { CodeRegion::from_raw_parts(NonNull::dangling(), len) }
    }

    #[test]
    fn range_checks() {
        let r = fake_region(4096);
        assert_eq!(r.check_range(0, 4096), Ok(()));
        assert_eq!(r.check_range(4092, 4), Ok(()));
        assert_eq!(r.check_range(4096, 0), Ok(()));
        assert_eq!(
            r.check_range(4093, 4),
            Err(CodeMemoryError::OutOfBounds {
                offset: 4093,
                len: 4,
                region_len: 4096
            })
        );
        assert!(
            r.check_range(usize::MAX, 2).is_err(),
            "overflow is out of bounds"
        );
        assert_eq!(
            r.addr(4095),
            Some(NonNull::<u8>::dangling().as_ptr() as usize + 4095)
        );
        assert_eq!(r.addr(4096), None);
    }

    #[test]
    fn errors_display() {
        use alloc::string::ToString;
        assert_eq!(
            CodeMemoryError::OutOfBounds {
                offset: 8,
                len: 4,
                region_len: 10
            }
            .to_string(),
            "code range 8+4 is outside a region of 10 bytes"
        );
        assert_eq!(
            CodeMemoryError::Protection { code: 13 }.to_string(),
            "cannot change code memory protection (os error 13)"
        );
    }
}
