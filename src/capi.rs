//! The C ABI: `dlopen`, `dlsym`, `dlclose`, `dlerror`.
//!
//! Every entry point is thin: null check, `CStr`, one safe call into [`crate::runtime`], then
//! NULL / -1 with the error recorded for `dlerror`. POSIX:
//! <https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/dlfcn.h.html>.

use crate::error::{DlError, ErrorKind};
use crate::runtime;
use core::ffi::{c_char, c_int, c_void, CStr};
use core::ptr;

/// Loads the side module `filename` (and what it needs), or returns a handle to the main
/// program when `filename` is NULL. Returns NULL on failure; `dlerror` says why.
///
/// # Safety
/// `filename` must be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void {
    // SAFETY: non-null and NUL-terminated per this function's contract.
    let name = (!filename.is_null()).then(|| unsafe { CStr::from_ptr(filename) });
    match runtime::open(name, flags) {
        Ok(handle) => handle as usize as *mut c_void,
        Err(e) => runtime::fail(e, ptr::null_mut()),
    }
}

/// Returns the address of `symbol` (a function's table index or a datum's address) in
/// `handle`'s scope, `RTLD_DEFAULT` or `RTLD_NEXT`. Returns NULL on failure.
///
/// # Safety
/// `symbol` must be NULL or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void {
    // SAFETY: same contract.
    unsafe { __wasm_libdl_dlsym_from(handle, symbol, ptr::null()) }
}

/// `dlsym` that also knows which module is asking (`dlfcn.h` passes `&__dso_handle`), so that
/// `RTLD_NEXT` searches after the caller.
///
/// # Safety
/// `symbol` must be NULL or point to a NUL-terminated string; `caller` is only compared.
#[no_mangle]
pub unsafe extern "C" fn __wasm_libdl_dlsym_from(
    handle: *mut c_void,
    symbol: *const c_char,
    caller: *const c_void,
) -> *mut c_void {
    if symbol.is_null() {
        return runtime::fail(DlError::new(ErrorKind::InvalidName { what: "NULL symbol name" }), ptr::null_mut());
    }
    // SAFETY: non-null and NUL-terminated per this function's contract.
    let name = unsafe { CStr::from_ptr(symbol) };
    match runtime::sym(handle as usize, name, caller as usize) {
        Ok(value) => value as usize as *mut c_void,
        Err(e) => runtime::fail(e, ptr::null_mut()),
    }
}

/// Drops a reference to `handle`; the last one unloads the library (running its
/// destructors) unless it was opened with `RTLD_NODELETE`. Returns 0, or -1 on failure.
///
/// # Safety
/// Any value may be passed; invalid handles are detected and rejected.
#[no_mangle]
pub unsafe extern "C" fn dlclose(handle: *mut c_void) -> c_int {
    match runtime::close(handle as usize) {
        Ok(()) => 0,
        Err(e) => runtime::fail(e, -1),
    }
}

/// The error of the last failed `dl*` call since the previous `dlerror`, as a string that
/// stays valid until the next `dlerror` call; NULL when there is none (read once).
///
/// # Safety
/// The returned string must not be written to or freed.
#[no_mangle]
pub unsafe extern "C" fn dlerror() -> *mut c_char {
    runtime::take_error()
}
