//! A Rust plugin for a C program: `#[no_mangle] extern "C"` functions, heap allocation and
//! formatting (`alloc`) over the program's libc (`malloc`, `free`, `puts`), a static that
//! keeps state between calls, and a call back into the program through a function pointer.
#![no_std]
extern crate alloc;

use alloc::{format, string::String, vec::Vec};
use core::ffi::{c_char, c_int, c_void, CStr};
use core::sync::atomic::{AtomicU32, Ordering};

extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
    fn puts(s: *const c_char) -> c_int;
    fn abort() -> !;
}

/// Rust's heap is the program's libc heap.
struct LibcHeap;

// SAFETY: malloc/aligned_alloc return suitably aligned, unaliased blocks or null.
unsafe impl core::alloc::GlobalAlloc for LibcHeap {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        // SAFETY: plain libc calls; aligned_alloc gets a power-of-two alignment.
        unsafe {
            if layout.align() <= 8 {
                malloc(layout.size()) as *mut u8
            } else {
                aligned_alloc(layout.align(), layout.size()) as *mut u8
            }
        }
    }
    unsafe fn dealloc(&self, p: *mut u8, _: core::alloc::Layout) {
        // SAFETY: `p` came from `alloc` above.
        unsafe { free(p as *mut c_void) }
    }
}

#[global_allocator]
static HEAP: LibcHeap = LibcHeap;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: libc's abort never returns.
    unsafe { abort() }
}

static CALLS: AtomicU32 = AtomicU32::new(0);

fn say(line: String) {
    let mut line = line.into_bytes();
    line.push(0);
    // SAFETY: a NUL-terminated buffer that outlives the call.
    unsafe { puts(line.as_ptr() as *const c_char) };
}

/// Greets `name` (a C string) three times, with large numbers (core's formatting tables),
/// and returns how many greetings it made.
///
/// # Safety
///
/// `name` must be a valid NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rust_greet(name: *const c_char) -> usize {
    // SAFETY: the caller's contract.
    let name = unsafe { CStr::from_ptr(name) }.to_str().unwrap_or("?");
    let call = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
    let greetings: Vec<String> = (1..=3).map(|i| format!("{name}#{}", 1_234_567 * i)).collect();
    say(format!("rust: call {call}: {}", greetings.join(", ")));
    greetings.len()
}

/// Sums `callback(i)` for i in 0..n: a call back into the program.
#[no_mangle]
pub extern "C" fn rust_sum(callback: extern "C" fn(c_int) -> c_int, n: c_int) -> c_int {
    (0..n).map(|i| callback(i)).sum()
}
