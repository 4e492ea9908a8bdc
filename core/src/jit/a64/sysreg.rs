//! System registers reachable by MRS/MSR, and the PSTATE fields MSR (immediate) writes: the
//! ones the bare-metal host needs to boot (MMU, caches, exception vectors, FP enable, timers)
//! plus the few user-visible ones a JIT reads (cache type, thread pointer, FP control).
//!
//! Invariants: each row gives the architectural `op0:op1:CRn:CRm:op2` of the register; the
//! name is how `llvm-mc` spells it. Read-only registers are marked so, and [`msr`] refuses
//! them (writing one is undefined).
//!
//! [`msr`]: super::enc_system::msr

macro_rules! sysregs {
    ($( $(#[$doc:meta])* $name:ident = $op0:literal, $op1:literal, $crn:literal, $crm:literal,
        $op2:literal, $rw:ident; )*) => {
        /// A system register.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
        pub enum SysReg {
            $( $(#[$doc])* $name, )*
        }

        impl SysReg {
            /// Every register of the table.
            pub const ALL: &'static [SysReg] = &[$(SysReg::$name),*];

            /// The name as `llvm-mc` accepts it.
            pub const fn name(self) -> &'static str {
                match self { $( SysReg::$name => stringify!($name), )* }
            }

            /// Bits 20..=5 of MRS/MSR: `o0:op1:CRn:CRm:op2` (op0 is 2 or 3, o0 = op0 - 2).
            pub const fn bits(self) -> u32 {
                let (op0, op1, crn, crm, op2): (u32, u32, u32, u32, u32) = match self {
                    $( SysReg::$name => ($op0, $op1, $crn, $crm, $op2), )*
                };
                (op0 - 2) << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5
            }

            /// Whether MSR may write it.
            pub const fn writable(self) -> bool {
                match self { $( SysReg::$name => sysregs!(@rw $rw), )* }
            }
        }
    };
    (@rw rw) => { true };
    (@rw ro) => { false };
}

sysregs! {
    /// Main ID register.
    MIDR_EL1 = 3, 0, 0, 0, 0, ro;
    /// Multiprocessor affinity.
    MPIDR_EL1 = 3, 0, 0, 0, 5, ro;
    /// Processor feature register 0.
    ID_AA64PFR0_EL1 = 3, 0, 0, 4, 0, ro;
    /// Memory model feature register 0 (physical address size, granules).
    ID_AA64MMFR0_EL1 = 3, 0, 0, 7, 0, ro;
    /// System control (MMU, caches, alignment checks).
    SCTLR_EL1 = 3, 0, 1, 0, 0, rw;
    /// Architectural feature access control (FP/SIMD enable).
    CPACR_EL1 = 3, 0, 1, 0, 2, rw;
    /// Translation table base 0.
    TTBR0_EL1 = 3, 0, 2, 0, 0, rw;
    /// Translation table base 1.
    TTBR1_EL1 = 3, 0, 2, 0, 1, rw;
    /// Translation control.
    TCR_EL1 = 3, 0, 2, 0, 2, rw;
    /// Saved program status on exception.
    SPSR_EL1 = 3, 0, 4, 0, 0, rw;
    /// Exception link register.
    ELR_EL1 = 3, 0, 4, 0, 1, rw;
    /// Stack pointer of EL0.
    SP_EL0 = 3, 0, 4, 1, 0, rw;
    /// Stack pointer select.
    SPSel = 3, 0, 4, 2, 0, rw;
    /// Current exception level.
    CurrentEL = 3, 0, 4, 2, 2, ro;
    /// Exception syndrome.
    ESR_EL1 = 3, 0, 5, 2, 0, rw;
    /// Fault address.
    FAR_EL1 = 3, 0, 6, 0, 0, rw;
    /// Memory attribute indirection.
    MAIR_EL1 = 3, 0, 10, 2, 0, rw;
    /// Vector base address.
    VBAR_EL1 = 3, 0, 12, 0, 0, rw;
    /// Software thread ID at EL1.
    TPIDR_EL1 = 3, 0, 13, 0, 4, rw;
    /// Cache type (line sizes for cache maintenance).
    CTR_EL0 = 3, 3, 0, 0, 1, ro;
    /// DC ZVA block size.
    DCZID_EL0 = 3, 3, 0, 0, 7, ro;
    /// Condition flags.
    NZCV = 3, 3, 4, 2, 0, rw;
    /// Interrupt masks.
    DAIF = 3, 3, 4, 2, 1, rw;
    /// Floating-point control.
    FPCR = 3, 3, 4, 4, 0, rw;
    /// Floating-point status.
    FPSR = 3, 3, 4, 4, 1, rw;
    /// Software thread ID at EL0.
    TPIDR_EL0 = 3, 3, 13, 0, 2, rw;
    /// Counter frequency.
    CNTFRQ_EL0 = 3, 3, 14, 0, 0, rw;
    /// Physical count.
    CNTPCT_EL0 = 3, 3, 14, 0, 1, ro;
    /// Virtual count.
    CNTVCT_EL0 = 3, 3, 14, 0, 2, ro;
    /// Physical timer value.
    CNTP_TVAL_EL0 = 3, 3, 14, 2, 0, rw;
    /// Physical timer control.
    CNTP_CTL_EL0 = 3, 3, 14, 2, 1, rw;
    /// Physical timer compare value.
    CNTP_CVAL_EL0 = 3, 3, 14, 2, 2, rw;
    /// Virtual timer control.
    CNTV_CTL_EL0 = 3, 3, 14, 3, 1, rw;
    /// Hypervisor configuration (to drop from EL2 to EL1).
    HCR_EL2 = 3, 4, 1, 1, 0, rw;
    /// Architectural feature trap control at EL2 (FP/SIMD traps).
    CPTR_EL2 = 3, 4, 1, 1, 2, rw;
    /// Saved program status on exception to EL2.
    SPSR_EL2 = 3, 4, 4, 0, 0, rw;
    /// Exception link register of EL2.
    ELR_EL2 = 3, 4, 4, 0, 1, rw;
    /// Counter-timer hypervisor control.
    CNTHCTL_EL2 = 3, 4, 14, 1, 0, rw;
    /// Virtual counter offset.
    CNTVOFF_EL2 = 3, 4, 14, 0, 3, rw;
}

/// A PSTATE field written by MSR (immediate).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum PState {
    /// Set interrupt mask bits (D, A, I, F as bits 3..=0 of the immediate).
    DAIFSet,
    /// Clear interrupt mask bits.
    DAIFClr,
    /// Select the stack pointer (bit 0 of the immediate: 0 for SP_EL0, 1 for SP_ELx).
    SPSel,
}

impl PState {
    /// The name as `llvm-mc` accepts it.
    pub const fn name(self) -> &'static str {
        match self {
            PState::DAIFSet => "daifset",
            PState::DAIFClr => "daifclr",
            PState::SPSel => "spsel",
        }
    }

    /// Bits 18..=16 (`op1`) and 7..=5 (`op2`) of MSR (immediate).
    pub const fn bits(self) -> u32 {
        let (op1, op2) = match self {
            PState::DAIFSet => (3, 6),
            PState::DAIFClr => (3, 7),
            PState::SPSel => (0, 5),
        };
        op1 << 16 | op2 << 5
    }

    /// The largest immediate the field takes: the 4-bit CRm field (SPSel reads only bit 0).
    pub const fn max_imm(self) -> u32 {
        15
    }
}
