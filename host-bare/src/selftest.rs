//! Proof that the W^X code region works: code written through [`BareCodeMemory`] runs, a
//! patched instruction is seen on the next call (cache maintenance), the page tables never
//! hold a writable executable page, and misuse is refused. The `fault-*` commands show that the
//! hardware enforces W^X (each ends in a permission fault the exception vectors report).

use crescent_core::host::{CodeMemory, CodeMemoryError, CodeRegion};

use crate::code_memory::BareCodeMemory;
use crate::mmu::{self, Perm};

/// `movz w0, #imm ; ret`
fn ret_const(imm: u16) -> [u8; 8] {
    let mov = 0x5280_0000u32 | (u32::from(imm) << 5); // movz w0, #imm
    let ret = 0xd65f_03c0u32; // ret
    let mut b = [0; 8];
    b[..4].copy_from_slice(&mov.to_le_bytes());
    b[4..].copy_from_slice(&ret.to_le_bytes());
    b
}

fn call(region: &CodeRegion, offset: usize) -> u32 {
    let addr = region.addr(offset).expect("inside the region");
    // SAFETY: only called on code this module wrote there and made executable.
    let f = unsafe { core::mem::transmute::<usize, extern "C" fn() -> u32>(addr) };
    f()
}

fn page_of(region: &CodeRegion) -> usize {
    (region.base().as_ptr() as usize - mmu::layout::code_start()) / 4096
}

macro_rules! check {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(alloc::format!($($msg)*));
        }
    };
}

/// Runs the checks; `Err` says which one failed.
pub fn run(mem: &mut BareCodeMemory) -> Result<(), alloc::string::String> {
    let region = mem
        .reserve(100)
        .map_err(|e| alloc::format!("reserve: {e}"))?;
    let page = page_of(&region);
    check!(
        mmu::desc_perm(mmu::code_page_desc(page)) == Perm::ReadOnly,
        "fresh region not read-only"
    );
    mem.write(&region, 0, &ret_const(42))
        .map_err(|e| alloc::format!("write: {e}"))?;
    check!(
        mmu::desc_perm(mmu::code_page_desc(page)) == Perm::ReadExecute,
        "written code not read+execute"
    );
    let r = call(&region, 0);
    check!(r == 42, "first call returned {r}, expected 42");
    for i in 43..300u16 {
        mem.write(&region, 0, &ret_const(i))
            .map_err(|e| alloc::format!("patch: {e}"))?;
        let r = call(&region, 0);
        check!(r == u32::from(i), "patched call returned {r}, expected {i}");
    }
    mem.make_writable(&region, 0, 4)
        .map_err(|e| alloc::format!("{e}"))?;
    check!(
        mmu::desc_perm(mmu::code_page_desc(page)) == Perm::ReadWrite,
        "writable page not read+write (and not executable)"
    );
    mem.make_executable(&region, 0, 4)
        .map_err(|e| alloc::format!("{e}"))?;

    // A second region, a page further, code across its page boundary.
    let two = mem
        .reserve(8192)
        .map_err(|e| alloc::format!("reserve: {e}"))?;
    check!(page_of(&two) == page + 1, "regions not contiguous");
    mem.write(&two, 4092, &ret_const(7))
        .map_err(|e| alloc::format!("{e}"))?;
    let r = call(&two, 4092);
    check!(r == 7, "straddling call returned {r}");

    check!(
        mem.write(&two, 8190, &ret_const(1))
            == Err(CodeMemoryError::OutOfBounds {
                offset: 8190,
                len: 8,
                region_len: 8192
            }),
        "out-of-bounds write accepted"
    );
    check!(
        matches!(
            mem.reserve(4 << 20),
            Err(CodeMemoryError::OutOfMemory { .. })
        ),
        "oversized reserve accepted"
    );
    let base = two.base();
    // SAFETY: nothing runs in `two` any more.
    unsafe { mem.release(two) }.map_err(|e| alloc::format!("release: {e}"))?;
    // SAFETY: a forged handle, only shown to the host, which must refuse it.
    let stale = unsafe { CodeRegion::from_raw_parts(base, 8192) };
    check!(
        mem.make_writable(&stale, 0, 4) == Err(CodeMemoryError::UnknownRegion),
        "released region still usable"
    );
    let again = mem.reserve(4096).map_err(|e| alloc::format!("{e}"))?;
    check!(page_of(&again) == page + 1, "released space not reused");
    check!(call(&region, 0) == 299, "first region disturbed");
    // SAFETY: nothing runs in these regions any more.
    unsafe {
        mem.release(again).map_err(|e| alloc::format!("{e}"))?;
        mem.release(region).map_err(|e| alloc::format!("{e}"))?;
    }
    Ok(())
}

/// Writes to executable code: must end in a permission fault (data abort).
pub fn fault_write_executable(mem: &mut BareCodeMemory) -> Result<(), alloc::string::String> {
    let region = mem.reserve(4096).map_err(|e| alloc::format!("{e}"))?;
    mem.write(&region, 0, &ret_const(1))
        .map_err(|e| alloc::format!("{e}"))?;
    crate::println!(
        "writing to executable code at {:#x} ...",
        region.addr(0).unwrap()
    );
    // SAFETY: deliberately wrong: the page is read+execute, so this store must fault.
    unsafe { core::ptr::write_volatile(region.base().as_ptr(), 0) };
    Err("the write to executable code did not fault".into())
}

/// Runs writable code: must end in a permission fault (instruction abort).
pub fn fault_execute_writable(mem: &mut BareCodeMemory) -> Result<(), alloc::string::String> {
    let region = mem.reserve(4096).map_err(|e| alloc::format!("{e}"))?;
    mem.write(&region, 0, &ret_const(1))
        .map_err(|e| alloc::format!("{e}"))?;
    mem.make_writable(&region, 0, 8)
        .map_err(|e| alloc::format!("{e}"))?;
    crate::println!(
        "calling writable code at {:#x} ...",
        region.addr(0).unwrap()
    );
    let r = call(&region, 0);
    Err(alloc::format!("writable code ran (returned {r})"))
}
