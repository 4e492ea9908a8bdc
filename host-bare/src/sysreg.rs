//! The few system registers the firmware reads, one function each.

macro_rules! read_sysreg {
    ($(#[$doc:meta] $name:ident => $reg:literal;)*) => {$(
        #[$doc]
        #[inline]
        pub fn $name() -> u64 {
            let v: u64;
            // SAFETY: reading this register at EL1 has no side effects.
            unsafe {
                core::arch::asm!(concat!("mrs {}, ", $reg), out(reg) v,
                    options(nomem, nostack, preserves_flags))
            };
            v
        }
    )*};
}

read_sysreg! {
    /// Exception syndrome.
    esr_el1 => "esr_el1";
    /// Fault address.
    far_el1 => "far_el1";
    /// Exception return address.
    elr_el1 => "elr_el1";
    /// Saved program state.
    spsr_el1 => "spsr_el1";
    /// Cache type (line sizes).
    ctr_el0 => "ctr_el0";
    /// Virtual counter (starts near 0 when QEMU starts the machine).
    cntvct_el0 => "cntvct_el0";
    /// Counter frequency in Hz.
    cntfrq_el0 => "cntfrq_el0";
    /// System control (MMU, caches, WXN).
    sctlr_el1 => "sctlr_el1";
}

/// Microseconds since the counter started (QEMU starts it with the machine).
pub fn uptime_us() -> u64 {
    let freq = cntfrq_el0().max(1);
    (u128::from(cntvct_el0()) * 1_000_000 / u128::from(freq)) as u64
}
