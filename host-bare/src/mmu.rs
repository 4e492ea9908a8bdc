//! The identity-mapped MMU: translation tables built from the linker script's symbols, caches
//! on, W^X everywhere, and the code region's pages switchable between read+execute and
//! read+write.
//!
//! Invariants:
//! - 4 KiB granule, 39-bit addresses (`T0SZ = 25`, walks start at level 1), TTBR0 only.
//! - 0..1 GiB (devices: the UART, GIC, ...) is one device-nGnRnE block, never executable.
//! - 1..2 GiB (RAM) is normal write-back memory in 2 MiB blocks, read+write and never
//!   executable, except the 2 MiB blocks holding the image (4 KiB pages: `.text` read+execute,
//!   `.rodata` read-only, data/bss/stacks read+write, the stacks' guard pages unmapped) and the
//!   code region (4 KiB pages whose permissions `set_code_pages` switches).
//! - No page is ever writable and executable: `SCTLR_EL1.WXN` makes the hardware refuse to
//!   execute any writable page, so a mistake here faults instead of opening a hole.
//! - Only `init` (MMU off, one core) and `set_code_pages` (with TLB maintenance) write the
//!   tables.

use core::cell::UnsafeCell;

const PAGE: usize = 4096;
const BLOCK_2M: usize = 2 << 20;
const RAM_BASE: usize = 0x4000_0000;
/// Last-level tables for the image's 2 MiB blocks: the image may span up to 16 MiB.
const IMAGE_L3_TABLES: usize = 8;

const VALID: u64 = 1 << 0;
const TABLE: u64 = 1 << 1; // table at levels 1-2; "page" at level 3
const ATTR_DEVICE: u64 = 0 << 2; // MAIR index 0
const ATTR_NORMAL: u64 = 1 << 2; // MAIR index 1
const AP_RO: u64 = 1 << 7; // AP[2]: read-only at EL1 (AP[1] = 0: no EL0 access)
const SH_INNER: u64 = 3 << 8;
const AF: u64 = 1 << 10;
const PXN: u64 = 1 << 53;
const UXN: u64 = 1 << 54;

/// Attribute 0: device-nGnRnE (0x00); attribute 1: normal write-back read/write-allocate.
const MAIR: u64 = 0xff << 8;
const TCR: u64 = 25 // T0SZ: 39-bit VA
    | (1 << 8) // IRGN0: walks write-back cacheable
    | (1 << 10) // ORGN0
    | (3 << 12) // SH0: inner shareable
    | (1 << 23) // EPD1: no TTBR1 walks
    | (2 << 32); // IPS: 40-bit PA
const SCTLR_M: u64 = 1 << 0;
const SCTLR_A: u64 = 1 << 1;
const SCTLR_C: u64 = 1 << 2;
const SCTLR_I: u64 = 1 << 12;
const SCTLR_WXN: u64 = 1 << 19;

/// What a 4 KiB page allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perm {
    /// Read and execute (code).
    ReadExecute,
    /// Read only (constants; code-region pages at rest).
    ReadOnly,
    /// Read and write, never execute.
    ReadWrite,
    /// Unmapped (guard pages).
    None,
}

fn page_desc(pa: usize, perm: Perm) -> u64 {
    let base = pa as u64 | VALID | TABLE | ATTR_NORMAL | SH_INNER | AF | UXN;
    match perm {
        Perm::ReadExecute => base | AP_RO,
        Perm::ReadOnly => base | AP_RO | PXN,
        Perm::ReadWrite => base | PXN,
        Perm::None => 0,
    }
}

/// The permissions a descriptor grants (for checks and tests).
pub fn desc_perm(desc: u64) -> Perm {
    if desc & VALID == 0 {
        Perm::None
    } else if desc & AP_RO == 0 {
        Perm::ReadWrite
    } else if desc & PXN == 0 {
        Perm::ReadExecute
    } else {
        Perm::ReadOnly
    }
}

#[repr(C, align(4096))]
struct Table([u64; 512]);

#[repr(C)]
struct Tables {
    l1: Table,
    l2_ram: Table,
    l3_image: [Table; IMAGE_L3_TABLES],
    l3_code: Table,
}

struct TablesCell(UnsafeCell<Tables>);
// SAFETY: the firmware runs on one core; the tables are written only by `init` before the MMU
// is on and by `set_code_pages`, which `CodeMemory`'s `&mut self` serializes.
unsafe impl Sync for TablesCell {}

const EMPTY: Table = Table([0; 512]);
static TABLES: TablesCell = TablesCell(UnsafeCell::new(Tables {
    l1: EMPTY,
    l2_ram: EMPTY,
    l3_image: [EMPTY; IMAGE_L3_TABLES],
    l3_code: EMPTY,
}));

/// Addresses from the linker script.
pub mod layout {
    extern "C" {
        static __image_start: u8;
        static __rodata_start: u8;
        static __data_start: u8;
        static __stack_guard: u8;
        static __exc_stack_guard: u8;
        static __image_end: u8;
        static __code_start: u8;
        static __code_end: u8;
        static __heap_start: u8;
        static __heap_end: u8;
    }
    macro_rules! symbols {
        ($($(#[$doc:meta])* $name:ident => $sym:ident;)*) => {$(
            $(#[$doc])*
            pub fn $name() -> usize {
                // Only the address of the linker symbol is taken, never its value.
                core::ptr::addr_of!($sym) as usize
            }
        )*};
    }
    symbols! {
        /// First byte of the loaded image (`.text`).
        image_start => __image_start;
        /// End of `.text`, start of `.rodata`.
        rodata_start => __rodata_start;
        /// End of `.rodata`, start of the writable data.
        data_start => __data_start;
        /// The main stack's guard page.
        stack_guard => __stack_guard;
        /// The exception stack's guard page.
        exc_stack_guard => __exc_stack_guard;
        /// End of the image (data, bss, stacks).
        image_end => __image_end;
        /// The code region (2 MiB-aligned).
        code_start => __code_start;
        /// End of the code region.
        code_end => __code_end;
        /// The heap.
        heap_start => __heap_start;
        /// End of the heap.
        heap_end => __heap_end;
    }
}

fn image_page_perm(addr: usize) -> Perm {
    use layout::*;
    if (stack_guard()..stack_guard() + PAGE).contains(&addr)
        || (exc_stack_guard()..exc_stack_guard() + PAGE).contains(&addr)
    {
        Perm::None
    } else if (image_start()..rodata_start()).contains(&addr) {
        Perm::ReadExecute
    } else if (rodata_start()..data_start()).contains(&addr) {
        Perm::ReadOnly
    } else {
        Perm::ReadWrite
    }
}

/// Builds the tables and turns on the MMU and caches. Runs once, MMU off, before anything
/// touches the heap.
pub fn init() -> Result<(), &'static str> {
    use layout::*;
    let image_blocks = (image_end() - RAM_BASE).div_ceil(BLOCK_2M);
    if image_blocks > IMAGE_L3_TABLES {
        return Err("image larger than the page tables cover (mmu::IMAGE_L3_TABLES)");
    }
    if code_start() != RAM_BASE + image_blocks * BLOCK_2M || code_end() - code_start() != BLOCK_2M {
        return Err("code region is not the 2 MiB block after the image (link.ld)");
    }
    let t = TABLES.0.get();
    // SAFETY: one core, MMU off, nothing else references the tables yet.
    unsafe {
        let t = &mut *t;
        t.l1.0[0] = VALID | ATTR_DEVICE | AF | PXN | UXN; // 0..1 GiB: devices
        t.l1.0[1] = core::ptr::addr_of!(t.l2_ram) as u64 | VALID | TABLE;
        for (i, e) in t.l2_ram.0.iter_mut().enumerate() {
            let pa = RAM_BASE + i * BLOCK_2M;
            *e = pa as u64 | VALID | ATTR_NORMAL | SH_INNER | AF | PXN | UXN;
        }
        for b in 0..image_blocks {
            let block = RAM_BASE + b * BLOCK_2M;
            for (i, e) in t.l3_image[b].0.iter_mut().enumerate() {
                let pa = block + i * PAGE;
                *e = page_desc(pa, image_page_perm(pa));
            }
            t.l2_ram.0[b] = core::ptr::addr_of!(t.l3_image[b]) as u64 | VALID | TABLE;
        }
        for (i, e) in t.l3_code.0.iter_mut().enumerate() {
            *e = page_desc(code_start() + i * PAGE, Perm::ReadOnly);
        }
        t.l2_ram.0[image_blocks] = core::ptr::addr_of!(t.l3_code) as u64 | VALID | TABLE;

        let ttbr0 = core::ptr::addr_of!(t.l1) as u64;
        let sctlr =
            (crate::sysreg::sctlr_el1() | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_WXN) & !SCTLR_A;
        core::arch::asm!(
            "dsb sy",
            "tlbi vmalle1",
            "dsb sy",
            "isb",
            "msr mair_el1, {mair}",
            "msr tcr_el1, {tcr}",
            "msr ttbr0_el1, {ttbr0}",
            "isb",
            "msr sctlr_el1, {sctlr}",
            "isb",
            mair = in(reg) MAIR,
            tcr = in(reg) TCR,
            ttbr0 = in(reg) ttbr0,
            sctlr = in(reg) sctlr,
            options(nostack),
        );
    }
    Ok(())
}

/// The current descriptor of code-region page `page`.
pub fn code_page_desc(page: usize) -> u64 {
    // SAFETY: a plain read of one entry; writers are serialized with us (one core).
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*TABLES.0.get()).l3_code.0[page])) }
}

/// Sets pages `first..first + count` of the code region to `perm` and flushes their stale
/// translations, so the change holds when this returns.
///
/// # Safety
/// No code may be running in pages being made writable, nor written in pages made
/// executable; the caller serializes calls (`CodeMemory`'s `&mut self`).
pub unsafe fn set_code_pages(first: usize, count: usize, perm: Perm) {
    debug_assert!(first + count <= 512 && perm != Perm::None);
    let base = layout::code_start();
    for page in first..first + count {
        let va = base + page * PAGE;
        // SAFETY: `page` is inside the code table; changing only permission bits of a valid
        // descriptor needs no break-before-make. The barriers order the store before the TLB
        // invalidation, and the invalidation before later accesses.
        unsafe {
            core::ptr::write_volatile(
                core::ptr::addr_of_mut!((*TABLES.0.get()).l3_code.0[page]),
                page_desc(va, perm),
            );
            core::arch::asm!(
                "dsb ishst",
                "tlbi vaae1is, {va}",
                va = in(reg) (va >> 12) as u64,
                options(nostack),
            );
        }
    }
    // SAFETY: barriers only.
    unsafe { core::arch::asm!("dsb ish", "isb", options(nostack)) };
}
