//! System instructions: NOP, exception generation (BRK, SVC, HVC), barriers (DMB, DSB, ISB),
//! cache maintenance (DC CVAU/CIVAC/CVAC/IVAC/ZVA, IC IVAU/IALLU/IALLUIS), TLB maintenance
//! (TLBI VMALLE1[IS], VAAE1[IS]), and system register access (MRS, MSR register and immediate).
//!
//! Invariants: the cache-maintenance operations a JIT needs to publish code (DC CVAU, DSB ISH,
//! IC IVAU, DSB ISH, ISB) are all here, so the bare-metal host emits or inlines nothing by hand.
//! MSR refuses read-only registers and out-of-range PSTATE immediates by returning `None`.

use super::regs::{Reg, X};
use super::sysreg::{PState, SysReg};

/// `nop`
pub fn nop() -> u32 {
    0xd503_201f
}

/// `brk #imm`: breakpoint exception.
pub fn brk(imm: u16) -> u32 {
    0xd420_0000 | (imm as u32) << 5
}

/// `svc #imm`: supervisor call.
pub fn svc(imm: u16) -> u32 {
    0xd400_0001 | (imm as u32) << 5
}

/// `hvc #imm`: hypervisor call.
pub fn hvc(imm: u16) -> u32 {
    0xd400_0002 | (imm as u32) << 5
}

macro_rules! barrier_options {
    ($( $(#[$doc:meta])* $name:ident = $crm:literal, $text:literal; )*) => {
        /// The shareability domain and access types a barrier orders.
        #[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
        pub enum Barrier {
            $( $(#[$doc])* $name = $crm, )*
        }

        impl Barrier {
            /// Every option.
            pub const ALL: [Barrier; 12] = [$(Barrier::$name),*];

            /// The name as `llvm-mc` prints it.
            pub const fn name(self) -> &'static str {
                match self { $( Barrier::$name => $text, )* }
            }
        }
    };
}

barrier_options! {
    /// Outer shareable, loads.
    Oshld = 1, "oshld";
    /// Outer shareable, stores.
    Oshst = 2, "oshst";
    /// Outer shareable, all accesses.
    Osh = 3, "osh";
    /// Non-shareable, loads.
    Nshld = 5, "nshld";
    /// Non-shareable, stores.
    Nshst = 6, "nshst";
    /// Non-shareable, all accesses.
    Nsh = 7, "nsh";
    /// Inner shareable, loads.
    Ishld = 9, "ishld";
    /// Inner shareable, stores.
    Ishst = 10, "ishst";
    /// Inner shareable, all accesses.
    Ish = 11, "ish";
    /// Full system, loads.
    Ld = 13, "ld";
    /// Full system, stores.
    St = 14, "st";
    /// Full system, all accesses.
    Sy = 15, "sy";
}

/// `dmb option`: data memory barrier.
pub fn dmb(option: Barrier) -> u32 {
    0xd503_30bf | (option as u32) << 8
}

/// `dsb option`: data synchronization barrier.
pub fn dsb(option: Barrier) -> u32 {
    0xd503_309f | (option as u32) << 8
}

/// `isb`: instruction synchronization barrier (option SY, the only defined one).
pub fn isb() -> u32 {
    0xd503_30df | (Barrier::Sy as u32) << 8
}

/// `1101010100:0:01:op1:CRn:CRm:op2:Rt` (SYS)
fn enc_sys(op1: u32, crn: u32, crm: u32, op2: u32, rt: u32) -> u32 {
    0xd508_0000 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt
}

macro_rules! cache_ops {
    ($( $(#[$doc:meta])* $name:ident = $op1:literal, $crn:literal, $crm:literal,
        $op2:literal; )*) => {$(
        $(#[$doc])*
        pub fn $name(rt: X) -> u32 {
            enc_sys($op1, $crn, $crm, $op2, rt.num())
        }
    )*};
}

cache_ops! {
    /// `dc cvau, rt`: clean the data cache line holding address `rt` to the point of
    /// unification (before invalidating the I-cache for new code).
    dc_cvau = 3, 7, 11, 1;
    /// `dc civac, rt`: clean and invalidate by address to the point of coherency.
    dc_civac = 3, 7, 14, 1;
    /// `dc cvac, rt`: clean by address to the point of coherency.
    dc_cvac = 3, 7, 10, 1;
    /// `dc ivac, rt`: invalidate by address to the point of coherency (EL1).
    dc_ivac = 0, 7, 6, 1;
    /// `dc zva, rt`: zero a block of memory.
    dc_zva = 3, 7, 4, 1;
    /// `ic ivau, rt`: invalidate the instruction cache line holding address `rt`.
    ic_ivau = 3, 7, 5, 1;
}

/// `tlbi vmalle1`: invalidate all stage-1 EL1&0 translations on this core.
pub fn tlbi_vmalle1() -> u32 {
    enc_sys(0, 8, 7, 0, 31)
}

/// `tlbi vmalle1is`: as `tlbi vmalle1`, broadcast to the inner shareable domain.
pub fn tlbi_vmalle1is() -> u32 {
    enc_sys(0, 8, 3, 0, 31)
}

/// `tlbi vaae1, rt`: invalidate translations of the page `rt >> 12`, any ASID, this core.
pub fn tlbi_vaae1(rt: X) -> u32 {
    enc_sys(0, 8, 7, 3, rt.num())
}

/// `tlbi vaae1is, rt`: as `tlbi vaae1`, broadcast to the inner shareable domain.
pub fn tlbi_vaae1is(rt: X) -> u32 {
    enc_sys(0, 8, 3, 3, rt.num())
}

/// `ic iallu`: invalidate the whole instruction cache to the point of unification (EL1).
pub fn ic_iallu() -> u32 {
    enc_sys(0, 7, 5, 0, 31)
}

/// `ic ialluis`: as `ic iallu`, broadcast to the inner shareable domain.
pub fn ic_ialluis() -> u32 {
    enc_sys(0, 7, 1, 0, 31)
}

/// `mrs rt, reg`: read a system register.
pub fn mrs(rt: X, reg: SysReg) -> u32 {
    0xd530_0000 | reg.bits() | rt.num()
}

/// `msr reg, rt`: write a system register; `None` if it is read-only.
pub fn msr(reg: SysReg, rt: X) -> Option<u32> {
    reg.writable()
        .then_some(0xd510_0000 | reg.bits() | rt.num())
}

/// `msr field, #imm`: write a PSTATE field; `None` if `imm` is out of range for it.
pub fn msr_imm(field: PState, imm: u32) -> Option<u32> {
    (imm <= field.max_imm()).then_some(0xd500_401f | field.bits() | imm << 8)
}
