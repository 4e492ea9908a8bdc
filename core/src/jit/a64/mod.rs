//! AArch64 encoder: one pure function per instruction form, typed registers and immediates,
//! a code buffer with labels.
//!
//! Invariants:
//! - Pure and host-independent: nothing here executes code or touches memory protection, so
//!   every form is tested on any machine against an independent assembler (`llvm-mc`, see
//!   `core/tests/a64_llvm_mc.rs`).
//! - Each `enc_*` module holds one instruction family; each function takes typed operands and
//!   returns one `u32` instruction word. Operands are checked when they are *built*, not when
//!   they are encoded: registers know their width and whether 31 is SP or the zero register
//!   ([`regs`]), immediates exist only if encodable ([`imms`], [`logic_imm`], [`offsets`],
//!   [`fp_imm`], [`branch_off`]). So an encoder cannot fail, and the code generator decides
//!   up front between an immediate form and materializing the value ([`mov_imm`]).
//! - PC-relative references to labels go through [`buffer::CodeBuffer`], where out-of-range
//!   targets are errors, never panics.
//!
//! - Helpers choose between forms the way an assembler would: [`mov_imm::mov_imm64`] (the
//!   shortest MOVZ/MOVN/ORR/MOVK sequence), [`enc_ldst::ldst_offset`] (scaled or unscaled
//!   offset), [`enc_arith::add_signed_imm`] (ADD or SUB). `None` means "use a register".
//! - With the `disasm` cargo feature, `disasm::disassemble` lists emitted code for `-jdump`.
//!
//! Everything is re-exported flat, so the emitter writes `a64::add_imm(...)`:
//!
//! ```
//! use crescent_core::jit::a64::*;
//!
//! // sum(x0 = n): x1 = 0; while n != 0 { x1 += n; n -= 1 }; return x1 + 0x1234_5678_9abc
//! let mut buf = CodeBuffer::new();
//! let (top, done) = (buf.new_label(), buf.new_label());
//! buf.put(movz(x(1), MoveWide::new(0, 0).unwrap()));
//! buf.bind(top)?;
//! buf.cbz(x(0), done)?; // forward: fixed up when `done` is bound
//! buf.put(add(x(1), x(1), x(0), ArithShift::none()));
//! buf.put(sub_imm(xsp(0), xsp(0), Imm12::new(1).unwrap()));
//! buf.b(top)?; // backward: encoded at once
//! buf.bind(done)?;
//! buf.put_all(&mov_imm64(x(2), 0x1234_5678_9abc));
//! buf.put(add(x(0), x(1), x(2), ArithShift::none()));
//! buf.put(ret(x(30)));
//! let code: Vec<u32> = buf.finish()?;
//! assert_eq!(code.len(), 10); // the constant takes MOVZ + 2 MOVK
//! // Immediates that cannot be encoded are refused when built, not when encoded:
//! assert!(Imm12::new(4097).is_none());
//! assert!(LogicImm::<X>::new(0x1234).is_none());
//! assert!(UOff::<3>::new(12).is_none()); // not a multiple of 8
//! # Ok::<(), BufError>(())
//! ```

pub mod branch_off;
pub mod buffer;
pub mod cond;
#[cfg(feature = "disasm")]
pub mod disasm;
pub mod enc_arith;
pub mod enc_bitfield;
pub mod enc_branch;
pub mod enc_ccmp;
pub mod enc_csel;
pub mod enc_dp;
pub mod enc_fp;
pub mod enc_fp_cvt;
pub mod enc_ldst;
pub mod enc_ldst_pair;
pub mod enc_logic;
pub mod enc_move;
pub mod enc_system;
pub mod fp_imm;
pub mod imms;
pub mod logic_imm;
pub mod mov_imm;
pub mod offsets;
pub mod regs;
pub mod sysreg;

pub use branch_off::*;
pub use buffer::*;
pub use cond::*;
pub use enc_arith::*;
pub use enc_bitfield::*;
pub use enc_branch::*;
pub use enc_ccmp::*;
pub use enc_csel::*;
pub use enc_dp::*;
pub use enc_fp::*;
pub use enc_fp_cvt::*;
pub use enc_ldst::*;
pub use enc_ldst_pair::*;
pub use enc_logic::*;
pub use enc_move::*;
pub use enc_system::*;
pub use fp_imm::*;
pub use imms::*;
pub use logic_imm::*;
pub use mov_imm::*;
pub use offsets::*;
pub use regs::*;
pub use sysreg::*;
