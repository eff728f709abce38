//! Process-wide state on wasm: the one [`Linker`], the pending `dlerror`, the calls into guest
//! code (relocations, constructors, destructors) made after the linker is released, and the
//! global allocator.
//!
//! wasm32-wasip2 programs are single-threaded; the state sits in `RefCell`s, and a re-entrant
//! call made while the linker is borrowed (only possible from a host callback) gets an error
//! instead of a panic.

use crate::error::{DlError, ErrorKind};
use crate::flags::RtldFlags;
#[cfg(not(feature = "runtime-loader"))]
use crate::host::NoLoader as SysHost;
use crate::linker::{AddrInfo, Linker, Scope, SearchEnv};
#[cfg(feature = "runtime-loader")]
use crate::loader::WitHost as SysHost;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, RefCell, RefMut};
use core::ffi::{c_char, c_int, c_void, CStr};

struct State {
    /// Boxed: the static is then one null word, in `.bss`, not the linker's size of mostly
    /// zeros in `libdl.so`'s data segment (a side module's `.bss` is not stored).
    linker: RefCell<Option<Box<Linker<SysHost>>>>,
    /// The error the next `dlerror` reports.
    error: Cell<Option<DlError>>,
    /// The NUL-terminated string the last `dlerror` returned; kept alive until the next call.
    message: Cell<Vec<u8>>,
    exit_hook: Cell<bool>,
}

// SAFETY: wasm32-wasip2 has one thread; nothing here is shared across threads.
unsafe impl Sync for State {}

static STATE: State = State {
    linker: RefCell::new(None),
    error: Cell::new(None),
    message: Cell::new(Vec::new()),
    exit_hook: Cell::new(false),
};

extern "C" {
    fn getenv(name: *const c_char) -> *const c_char;
    fn atexit(f: extern "C" fn()) -> c_int;
    #[cfg(feature = "runtime-loader")]
    #[link_name = "__cxa_atexit"]
    fn libc_cxa_atexit(f: extern "C" fn(*mut c_void), arg: *mut c_void, dso: *mut c_void) -> c_int;
    fn malloc(size: usize) -> *mut c_void;
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
}

fn with_linker<R>(f: impl FnOnce(&mut Linker<SysHost>) -> Result<R, DlError>) -> Result<R, DlError> {
    f(&mut *linker()?)
}

/// The linker, created on first use; an error while it is borrowed already (re-entry). One
/// copy of this for all entry points.
#[inline(never)]
fn linker() -> Result<RefMut<'static, Linker<SysHost>>, DlError> {
    let guard = STATE.linker.try_borrow_mut().map_err(|_| DlError::new(ErrorKind::Reentrant))?;
    Ok(RefMut::map(guard, |l| &mut **l.get_or_insert_with(|| Box::new(new_linker()))))
}

fn new_linker() -> Linker<SysHost> {
    let mut linker = Linker::new(SysHost);
    // Only libraries this libdl loads bind `__cxa_atexit` to it (a link-time library's goes
    // to libc): without the runtime loader, leave it and the exit hook out.
    #[cfg(feature = "runtime-loader")]
    linker.set_cxa_atexit_slot(cxa_atexit as *const () as usize as u32);
    #[cfg(feature = "linktime")]
    {
        extern "C" {
            /// The root of the library table; `wasm-tools component link` defines it (as
            /// `GOT.mem.__wasm_libdl_libraries`) for a libdl.so that imports it.
            static __wasm_libdl_libraries: crate::linktime::Root;
        }
        // SAFETY: wit-component gives this address a `Root` and, below it, the immutable
        // table the root describes (`read_table`'s contract); `addr_of!` makes no reference.
        linker.set_linktime(unsafe {
            crate::linktime::read_table(core::ptr::addr_of!(__wasm_libdl_libraries), heap_base())
        });
    }
    linker
}

/// Records `e` for `dlerror` and returns `ret`.
pub fn fail<T>(e: DlError, ret: T) -> T {
    set_error(e);
    ret
}

#[inline(never)]
fn set_error(e: DlError) {
    if let Some(unread) = STATE.error.replace(Some(e)) {
        unread.recycle();
    }
}

pub fn take_error() -> *mut c_char {
    let Some(e) = STATE.error.take() else { return core::ptr::null_mut() };
    let text = e.into_c_message();
    // The heap block stays where it is when the `Vec` moves into `STATE`.
    let p = text.as_ptr() as *mut c_char;
    STATE.message.set(text);
    p
}

fn env_var(name: &CStr) -> Option<&'static str> {
    // SAFETY: `name` is NUL-terminated; getenv returns NULL or a NUL-terminated string that
    // stays valid until the environment is modified, which we do not hold across.
    let p = unsafe { getenv(name.as_ptr()) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null C string from getenv.
    crate::text::utf8(unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// Calls a `void(void)` function by table index; index 0 (the null function pointer, which
/// no host hands out for a function) is not called.
fn call_void(slot: u32) {
    // SAFETY: an `Option` of a function pointer has the pointer's layout with `None` as 0, so
    // any index is a valid value of it. A nonzero slot came from the host as the table index
    // of an exported function of type `[] -> []` (`__wasm_apply_data_relocs`,
    // `__wasm_call_ctors`); a mismatch traps in call_indirect's signature check.
    let f: Option<extern "C" fn()> = unsafe { core::mem::transmute(slot as usize) };
    if let Some(f) = f {
        f()
    }
}

/// Calls a `void(void *)` destructor registered through `__cxa_atexit` (not a null one).
fn call_dtor(slot: u32, arg: u32) {
    // SAFETY: as in `call_void`; `slot` was passed to `__cxa_atexit` as a `void (*)(void *)`.
    let f: Option<extern "C" fn(*mut c_void)> = unsafe { core::mem::transmute(slot as usize) };
    if let Some(f) = f {
        f(arg as usize as *mut c_void)
    }
}

pub fn open(name: Option<&CStr>, mode: c_int) -> Result<u32, DlError> {
    let flags = RtldFlags::from_mode(mode).ok_or_else(|| DlError::new(ErrorKind::InvalidMode { mode }))?;
    let name = name
        .map(|n| {
            crate::text::utf8(n.to_bytes())
                .ok_or_else(|| DlError::new(ErrorKind::InvalidName { what: "file name is not valid UTF-8" }))
        })
        .transpose()?;
    let env = SearchEnv { ld_library_path: env_var(c"LD_LIBRARY_PATH") };
    let opened = with_linker(|l| l.open(name, flags, env))?;
    if !opened.init.is_empty() {
        // Registered before the constructors run, so that it runs after whatever destructors
        // they register with libc directly (exit handlers run in reverse).
        exit_hook();
    }
    for slot in opened.init {
        call_void(slot);
    }
    Ok(opened.handle.to_raw())
}

pub fn sym(handle: usize, name: &CStr, caller: usize) -> Result<u32, DlError> {
    let scope = match handle {
        0 => Scope::Default,
        h if h as u32 == u32::MAX => Scope::Next { caller: caller as u32 },
        h => Scope::Handle(h),
    };
    with_linker(|l| l.sym(scope, name.to_bytes()))
}

pub fn close(handle: usize) -> Result<(), DlError> {
    let closing = with_linker(|l| l.close(handle))?;
    for &(f, arg) in &closing.dtors {
        call_dtor(f, arg);
    }
    if !closing.libs.is_empty() {
        with_linker(|l| {
            l.finish_close(&closing.libs);
            Ok(())
        })?;
    }
    Ok(())
}

/// Where the heap starts, after all static data (wasm-ld defines `__heap_base` for the
/// program; wit-component for the libraries of a component, `GOT.mem.__heap_base`).
fn heap_base() -> u32 {
    extern "C" {
        static __heap_base: u8;
    }
    // Only the address is taken (`addr_of!` makes no reference).
    core::ptr::addr_of!(__heap_base) as usize as u32
}

/// `dladdr(addr)`: the loaded object (and symbol) `addr` is in.
pub fn addr(addr: usize) -> Result<AddrInfo, DlError> {
    with_linker(|l| l.addr(addr as u32, heap_base()).ok_or_else(|| DlError::new(ErrorKind::NoObject { addr })))
}

/// What `dlinfo` answers.
pub enum Dlinfo {
    Lmid,
    LinkMap(*const crate::linkmap::link_map),
    /// The library's directory: its bytes, which stay valid while the library is loaded
    /// (a part of its name).
    Origin(*const u8, usize),
}

/// `dlinfo(handle, request)`.
pub fn info(handle: usize, request: c_int) -> Result<Dlinfo, DlError> {
    use crate::flags::{RTLD_DI_LINKMAP, RTLD_DI_LMID, RTLD_DI_ORIGIN};
    with_linker(|l| {
        let origin = l.origin(handle)?;
        Ok(match request {
            RTLD_DI_LMID => Dlinfo::Lmid,
            RTLD_DI_LINKMAP => Dlinfo::LinkMap(l.link_map(handle)?),
            RTLD_DI_ORIGIN => Dlinfo::Origin(origin.as_ptr(), origin.len()),
            request => return Err(DlError::new(ErrorKind::DlinfoRequest { request })),
        })
    })
}

/// Registers [`run_exit_destructors`] with libc's `atexit`, once.
fn exit_hook() {
    if !STATE.exit_hook.replace(true) {
        // SAFETY: registering a plain `extern "C" fn()` with libc.
        unsafe { atexit(run_exit_destructors) };
    }
}

extern "C" fn run_exit_destructors() {
    let Ok(dtors) = with_linker(|l| Ok(l.take_all_atexit())) else { return };
    for (f, arg) in dtors {
        call_dtor(f, arg);
    }
}

/// What side modules' `__cxa_atexit` imports are bound to: registrations whose `dso` lies in a
/// loaded library run at its `dlclose`; anything else goes to libc.
#[cfg(feature = "runtime-loader")]
extern "C" fn cxa_atexit(f: extern "C" fn(*mut c_void), arg: *mut c_void, dso: *mut c_void) -> c_int {
    let taken = with_linker(|l| Ok(l.register_atexit(f as usize as u32, arg as usize as u32, dso as usize as u32)));
    if taken == Ok(true) {
        // What the library registers runs at its dlclose, or at exit if it is still loaded:
        // make sure exit asks (a registration need not come from a constructor).
        exit_hook();
        return 0;
    }
    // SAFETY: forwarding the caller's arguments unchanged.
    unsafe { libc_cxa_atexit(f, arg, dso) }
}

/// Rust allocations go to libc's malloc: one heap per program, shared with `cabi_realloc`
/// (which allocates what the host returns) and with the C code around us.
struct LibcAlloc;

/// Alignment libc malloc guarantees on wasm32 (conservatively `2 * sizeof(size_t)`).
const MALLOC_ALIGN: usize = 8;

// SAFETY: forwards to libc's allocator, which returns suitably aligned, unaliased blocks.
unsafe impl GlobalAlloc for LibcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: plain libc calls; aligned_alloc is given a power-of-two alignment.
        unsafe {
            if layout.align() <= MALLOC_ALIGN {
                malloc(layout.size()) as *mut u8
            } else {
                aligned_alloc(layout.align(), layout.size()) as *mut u8
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from malloc/aligned_alloc above.
        unsafe { free(ptr as *mut c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: `ptr` came from malloc above.
            return unsafe { realloc(ptr as *mut c_void, new_size) as *mut u8 };
        }
        // SAFETY: fresh block of the new size, copy the overlap, free the old one.
        unsafe {
            let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: LibcAlloc = LibcAlloc;
