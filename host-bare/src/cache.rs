//! Cache maintenance that makes freshly written code visible to instruction fetch.
//!
//! The sequence is the architecture's (ARM ARM, "Concurrent modification and execution of
//! instructions"): clean the data cache to the point of unification line by line (`DC CVAU`),
//! `DSB ISH` so the cleans complete, invalidate the instruction cache by line (`IC IVAU`),
//! `DSB ISH` again, and `ISB` so this core refetches. Line sizes come from `CTR_EL0`.

/// Makes `start..start + len` visible to instruction fetch on this core.
pub fn sync_icache(start: usize, len: usize) {
    if len == 0 {
        return;
    }
    let ctr = crate::sysreg::ctr_el0();
    let dline = 4usize << ((ctr >> 16) & 0xf);
    let iline = 4usize << (ctr & 0xf);
    let end = start + len;
    let mut a = start & !(dline - 1);
    while a < end {
        // SAFETY: cache maintenance by address on mapped memory; no data changes.
        unsafe { core::arch::asm!("dc cvau, {}", in(reg) a, options(nostack)) };
        a += dline;
    }
    // SAFETY: barrier only.
    unsafe { core::arch::asm!("dsb ish", options(nostack)) };
    let mut a = start & !(iline - 1);
    while a < end {
        // SAFETY: as above.
        unsafe { core::arch::asm!("ic ivau, {}", in(reg) a, options(nostack)) };
        a += iline;
    }
    // SAFETY: barriers only.
    unsafe { core::arch::asm!("dsb ish", "isb", options(nostack)) };
}
