//! The C ABI: `dlopen`, `dlsym`, `dlclose`, `dlerror`, and glibc's `dladdr`, `dladdr1` and
//! `dlinfo`.
//!
//! Every entry point is thin: null check, `CStr`, one safe call into [`crate::runtime`], then
//! NULL / -1 with the error recorded for `dlerror`. POSIX:
//! <https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/dlfcn.h.html>.

use crate::error::{DlError, ErrorKind};
use crate::flags::{RTLD_DL_LINKMAP, RTLD_DL_SYMENT};
use crate::runtime;
use crate::runtime::Dlinfo;
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

/// What `dladdr` reports (glibc's `Dl_info`, POSIX 2024's `Dl_info_t`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct Dl_info {
    /// Name of the object the address is in (the main program is `"main"`).
    pub dli_fname: *const c_char,
    /// Where the object's data was placed (NULL for the main program and for libraries linked
    /// into the component).
    pub dli_fbase: *mut c_void,
    /// The exported symbol at the address (a function) or nearest before it (data); NULL if
    /// none.
    pub dli_sname: *const c_char,
    /// That symbol's value; NULL if none.
    pub dli_saddr: *mut c_void,
}

/// Fills `*info` with the loaded object `addr` is in (a function pointer or a data address)
/// and the nearest exported symbol. Returns nonzero on success, 0 if no loaded object
/// contains `addr` (`dlerror` says why). The strings stay valid until the object is unloaded.
/// glibc: <https://man7.org/linux/man-pages/man3/dladdr.3.html>.
///
/// # Safety
/// `info` must be NULL or point to a writable `Dl_info`.
#[no_mangle]
pub unsafe extern "C" fn dladdr(addr: *const c_void, info: *mut Dl_info) -> c_int {
    // SAFETY: same contract, no extra information asked for.
    unsafe { dladdr1(addr, info, ptr::null_mut(), 0) }
}

/// `dladdr`, and with `flags` `RTLD_DL_LINKMAP` the object's `struct link_map *` in
/// `*extra_info` (`RTLD_DL_SYMENT`: NULL, wasm modules have no ELF symbol entries).
///
/// # Safety
/// `info` must be NULL or point to a writable `Dl_info`; with nonzero `flags`, `extra_info`
/// must be NULL or point to a writable `void *`.
#[no_mangle]
pub unsafe extern "C" fn dladdr1(
    addr: *const c_void,
    info: *mut Dl_info,
    extra_info: *mut *mut c_void,
    flags: c_int,
) -> c_int {
    let wants_extra = flags == RTLD_DL_LINKMAP || flags == RTLD_DL_SYMENT;
    if info.is_null() || (wants_extra && extra_info.is_null()) {
        let what = "NULL Dl_info or extra_info";
        return runtime::fail(DlError::new(ErrorKind::InvalidArgument { what }), 0);
    }
    match runtime::addr(addr as usize) {
        Ok(a) => {
            let dl_info = Dl_info {
                dli_fname: a.fname,
                dli_fbase: a.fbase as usize as *mut c_void,
                dli_sname: a.sname,
                dli_saddr: a.saddr as usize as *mut c_void,
            };
            // SAFETY: both are non-null and writable per this function's contract.
            unsafe {
                info.write(dl_info);
                if wants_extra {
                    let map = if flags == RTLD_DL_LINKMAP { a.map as *mut c_void } else { ptr::null_mut() };
                    extra_info.write(map);
                }
            }
            1
        }
        Err(e) => runtime::fail(e, 0),
    }
}

/// Information about a loaded object: `RTLD_DI_LINKMAP` (`*(struct link_map **)arg`),
/// `RTLD_DI_ORIGIN` (its directory, copied to `arg`), `RTLD_DI_LMID` (`*(Lmid_t *)arg`, always
/// `LM_ID_BASE`). Returns 0, or -1 for a bad handle or an unsupported request (`dlerror` says
/// which). glibc: <https://man7.org/linux/man-pages/man3/dlinfo.3.html>.
///
/// # Safety
/// `arg` must be NULL or point to what the request writes: a `struct link_map *`, a `long`,
/// or `PATH_MAX` bytes.
#[no_mangle]
pub unsafe extern "C" fn dlinfo(handle: *mut c_void, request: c_int, arg: *mut c_void) -> c_int {
    if arg.is_null() {
        return runtime::fail(DlError::new(ErrorKind::InvalidArgument { what: "NULL dlinfo argument" }), -1);
    }
    match runtime::info(handle as usize, request) {
        // SAFETY: `arg` is non-null and points to what the request writes (contract above).
        Ok(answer) => unsafe {
            match answer {
                Dlinfo::Lmid => (arg as *mut core::ffi::c_long).write(0),
                Dlinfo::LinkMap(map) => (arg as *mut *const crate::linkmap::link_map).write(map),
                Dlinfo::Origin(dir, len) => {
                    // `dir` is part of a loaded library's name (`runtime::info`).
                    ptr::copy_nonoverlapping(dir, arg as *mut u8, len);
                    (arg as *mut u8).add(len).write(0);
                }
            }
            0
        },
        Err(e) => runtime::fail(e, -1),
    }
}
