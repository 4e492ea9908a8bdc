//! Executable memory end to end: write machine code through `ExecMemory`, make it executable,
//! call it, patch it in place, call it again.
//!
//! On AArch64 (under `qemu-aarch64` in CI) the patch-and-call steps exercise the instruction
//! cache path (`__clear_cache`); on x86_64 the same steps run x86 code. The instruction words are
//! hand-encoded, each with its assembly beside it (checked with `llvm-mc -show-encoding`).

#![cfg(any(target_arch = "aarch64", target_arch = "x86_64"))]

use crescent_core::host::{CodeMemory, CodeMemoryError, CodeRegion};
use crescent_host_std::ExecMemory;

/// Native code for the few functions the tests need.
#[cfg(target_arch = "aarch64")]
mod asm {
    fn words(ws: &[u32]) -> Vec<u8> {
        ws.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
    const RET: u32 = 0xd65f_03c0; // ret
    /// `movz w0, #imm`
    fn mov_w0(imm: u16) -> u32 {
        0x5280_0000 | (u32::from(imm) << 5)
    }
    /// `mov w0, #imm ; ret` (8 bytes)
    pub fn ret_const(imm: u16) -> Vec<u8> {
        words(&[mov_w0(imm), RET])
    }
    /// `add w0, w0, w1 ; ret`
    pub fn add() -> Vec<u8> {
        words(&[0x0b01_0000, RET])
    }
    /// `b #delta` at the start of a 16-byte slot, padded with `brk #0`.
    pub fn jump(delta: u32) -> Vec<u8> {
        words(&[
            0x1400_0000 | (delta / 4),
            0xd420_0000,
            0xd420_0000,
            0xd420_0000,
        ])
    }
}

#[cfg(target_arch = "x86_64")]
mod asm {
    /// `mov eax, imm ; ret` (6 bytes)
    pub fn ret_const(imm: u16) -> Vec<u8> {
        let mut v = vec![0xb8];
        v.extend_from_slice(&u32::from(imm).to_le_bytes());
        v.push(0xc3);
        v
    }
    /// `lea eax, [rdi + rsi] ; ret` (System V: a in edi, b in esi)
    pub fn add() -> Vec<u8> {
        vec![0x8d, 0x04, 0x37, 0xc3]
    }
    /// `jmp rel32` to `delta` bytes from the slot start, padded with `int3`.
    pub fn jump(delta: u32) -> Vec<u8> {
        let mut v = vec![0xe9];
        v.extend_from_slice(&(delta - 5).to_le_bytes());
        v.extend_from_slice(&[0xcc; 11]);
        v
    }
}

type Fn0 = extern "C" fn() -> u32;
type Fn2 = extern "C" fn(u32, u32) -> u32;

fn fn0(region: &CodeRegion, offset: usize) -> Fn0 {
    let addr = region.addr(offset).expect("offset inside the region");
    // SAFETY: the tests only take function pointers to code they wrote at `offset` and made
    // executable, following the platform C calling convention.
    unsafe { std::mem::transmute::<usize, Fn0>(addr) }
}

#[test]
fn write_call_patch_call() {
    let mut mem = ExecMemory::new();
    let region = mem.reserve(64).unwrap();
    assert_eq!(region.len(), mem.page_size(), "rounded up to a page");

    mem.write(&region, 0, &asm::ret_const(1)).unwrap();
    let f = fn0(&region, 0);
    assert_eq!(f(), 1);

    // Patch the code that just ran: the I-cache must not serve the old instructions.
    mem.write(&region, 0, &asm::ret_const(2)).unwrap();
    assert_eq!(f(), 2);

    // Many rounds, so a stale line would surely show.
    for i in 3..200u16 {
        mem.write(&region, 0, &asm::ret_const(i)).unwrap();
        assert_eq!(f(), u32::from(i));
    }
}

#[test]
fn patch_a_branch_like_a_side_trace_link() {
    let mut mem = ExecMemory::new();
    let region = mem.reserve(4096).unwrap();
    // slot 0: jump to 16; 16: return 7; 32: return 9.
    mem.write(&region, 16, &asm::ret_const(7)).unwrap();
    mem.write(&region, 32, &asm::ret_const(9)).unwrap();
    mem.write(&region, 0, &asm::jump(16)).unwrap();
    let f = fn0(&region, 0);
    assert_eq!(f(), 7);
    mem.write(&region, 0, &asm::jump(32)).unwrap();
    assert_eq!(f(), 9);
    mem.write(&region, 0, &asm::jump(16)).unwrap();
    assert_eq!(f(), 7);
}

#[test]
fn code_in_later_pages_and_arguments() {
    let mut mem = ExecMemory::new();
    let page = mem.page_size();
    let region = mem.reserve(3 * page).unwrap();
    assert_eq!(region.len(), 3 * page);
    // Straddle the boundary between the second and third pages.
    let at = 2 * page - 4;
    mem.write(&region, at, &asm::add()).unwrap();
    let addr = region.addr(at).unwrap();
    // SAFETY: `add` code was written at `at` and made executable.
    let add = unsafe { std::mem::transmute::<usize, Fn2>(addr) };
    assert_eq!(add(40, 2), 42);
    assert_eq!(add(u32::MAX, 1), 0);
}

#[test]
fn many_regions_and_release() {
    let mut mem = ExecMemory::new();
    let regions: Vec<CodeRegion> = (0..8).map(|_| mem.reserve(100).unwrap()).collect();
    for (i, r) in regions.iter().enumerate() {
        mem.write(r, 0, &asm::ret_const(i as u16 + 10)).unwrap();
    }
    for (i, r) in regions.iter().enumerate() {
        assert_eq!(fn0(r, 0)(), i as u32 + 10);
    }
    let mut regions = regions;
    let last = regions.pop().unwrap();
    let base = last.base();
    // SAFETY: nothing runs in `last` any more.
    unsafe { mem.release(last).unwrap() };
    // A forged handle to the released mapping is refused, not used.
    // SAFETY: only passed to the host, which must reject it.
    let stale = unsafe { CodeRegion::from_raw_parts(base, mem.page_size()) };
    assert_eq!(
        mem.make_writable(&stale, 0, 4),
        Err(CodeMemoryError::UnknownRegion)
    );
    assert_eq!(
        mem.write(&stale, 0, &asm::ret_const(1)),
        Err(CodeMemoryError::UnknownRegion)
    );
    // The others still run.
    assert_eq!(fn0(&regions[0], 0)(), 10);
}

#[test]
fn bounds_and_foreign_regions_are_refused() {
    let mut mem = ExecMemory::new();
    let region = mem.reserve(1).unwrap();
    let len = region.len();
    assert!(matches!(
        mem.write(&region, len - 2, &asm::ret_const(1)),
        Err(CodeMemoryError::OutOfBounds { .. })
    ));
    assert!(matches!(
        mem.make_executable(&region, usize::MAX, 2),
        Err(CodeMemoryError::OutOfBounds { .. })
    ));
    let mut other = ExecMemory::new();
    assert_eq!(
        other.make_writable(&region, 0, 4),
        Err(CodeMemoryError::UnknownRegion)
    );
    // Empty writes are fine anywhere inside.
    mem.write(&region, len, &[]).unwrap();
}

/// W^X as the kernel reports it, for the `mprotect` backend (the macOS arm64 backend enforces
/// it per thread in hardware, invisible to a page query).
#[cfg(target_os = "linux")]
#[test]
fn never_writable_and_executable() {
    let mut mem = ExecMemory::new();
    let page = mem.page_size();
    let region = mem.reserve(2 * page).unwrap();
    let prot = |offset: usize| {
        let p = region.addr(offset).unwrap() as *const u8;
        let r = region::query(p).unwrap();
        (r.is_writable(), r.is_executable())
    };
    assert_eq!(prot(0), (false, false), "fresh region: neither");
    mem.make_writable(&region, 8, 4).unwrap();
    assert_eq!(prot(0), (true, false));
    assert_eq!(prot(page), (false, false), "only the touched page changes");
    mem.make_executable(&region, 8, 4).unwrap();
    assert_eq!(prot(0), (false, true));
    mem.make_writable(&region, page - 1, 2).unwrap();
    assert_eq!(prot(0), (true, false), "a range across pages flips both");
    assert_eq!(prot(page), (true, false));
    mem.make_executable(&region, 0, 2 * page).unwrap();
    assert_eq!(prot(0), (false, true));
    assert_eq!(prot(page), (false, true));
}
