//! Output on the `virt` board's PL011 UART (at 0x0900_0000), and `print!`/`println!`.
//!
//! Invariants: writing takes no lock and allocates nothing, so the exception and panic
//! handlers can always print. QEMU needs no UART setup; we only poll "transmit FIFO full".
//! `\n` goes out as `\r\n` for terminals; tests strip the `\r`.

use core::fmt;

const UART_BASE: usize = 0x0900_0000;
const DR: usize = 0x00;
const FR: usize = 0x18;
const FR_TXFF: u32 = 1 << 5;

fn put(byte: u8) {
    // SAFETY: the PL011 registers are at these fixed addresses on `virt`, mapped as device
    // memory (or accessed with the MMU off, which is device memory too).
    unsafe {
        while core::ptr::read_volatile((UART_BASE + FR) as *const u32) & FR_TXFF != 0 {}
        core::ptr::write_volatile((UART_BASE + DR) as *mut u32, u32::from(byte));
    }
}

/// Sends bytes as they are, except `\n` becomes `\r\n`.
pub fn write_bytes(bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' {
            put(b'\r');
        }
        put(b);
    }
}

/// The UART as a `fmt::Write` sink.
pub struct Uart;

impl fmt::Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Prints to the UART.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {{
        let _ = core::fmt::Write::write_fmt(&mut $crate::uart::Uart, format_args!($($arg)*));
    }};
}

/// Prints a line to the UART.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => {{
        $crate::print!($($arg)*);
        $crate::print!("\n");
    }};
}
