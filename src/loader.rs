//! [`Host`] over the imported `wasi:module-loader` interface (bindings by wit-bindgen).

use crate::host::{ExportDesc, ExportValue, ExternKind, Host, HostError, HostErrorCode, ImportValue, Section};
use alloc::vec::Vec;
use core::alloc::Layout;

wit_bindgen::generate!({
    path: "wit",
    world: "libdl",
    generate_all,
    // `import-value` (only ever a parameter) borrows its strings and cells.
    ownership: Borrowing { duplicate_if_necessary: false },
});

use wasi::module_loader::{loader, types as wit};

/// The real host.
pub struct WitHost;

/// The import values of one `instantiate`, lowered as they are bound: `list` is the
/// `list<import-value>` argument as the canonical ABI lays it out in memory, so it is handed to
/// the host without a conversion pass (and `Module::instantiate`'s own lowering); `messages`
/// owns the strings its `unresolved` cases point to.
#[derive(Default)]
pub struct Imports {
    list: Vec<LoweredImport>,
    messages: Vec<alloc::string::String>,
}

/// One `import-value` as the canonical ABI lays out an element of a `list<import-value>` on
/// wasm32: the case index ([`case`]), then at offset 4 its payload (the `u32`/`s32`, a cell's
/// handle, or the `unresolved` message's address) and at 8 the message's length.
/// Canonical ABI: <https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md>
/// (a variant is its discriminant, then its payload at the payloads' largest alignment).
#[repr(C)]
struct LoweredImport {
    case: u8,
    payload: u32,
    len: usize,
}

/// The case indices of `variant import-value` in `wit/module-loader.wit`: its cases in
/// declaration order (`tests/wit_layout.rs` checks these names and numbers against the file).
mod case {
    pub const CALLER_MEMORY: u8 = 0;
    pub const CALLER_TABLE: u8 = 1;
    pub const CALLER_EXPORT: u8 = 2;
    pub const FUNC_SLOT: u8 = 3;
    pub const CONST_I32: u8 = 4;
    pub const CELL: u8 = 5;
    pub const UNRESOLVED: u8 = 6;
    pub const INDIRECT: u8 = 7;
    pub const INSTANCE_EXPORT: u8 = 8;
}

/// `result<instance, error>` as the canonical ABI returns it: the case (0: ok), then at offset
/// 4 the instance's handle or the error's code (an `enum error-code`, one byte: the low byte of
/// `value`, whose other bytes keep the zeros we wrote) and at 8 and 12 its message.
#[repr(C)]
struct LoweredResult {
    case: u8,
    value: u32,
    ptr: *mut u8,
    len: usize,
}

// The layouts above are the canonical ABI's on wasm32, or the build fails.
const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    assert!(size_of::<LoweredImport>() == 12 && align_of::<LoweredImport>() == 4);
    assert!(offset_of!(LoweredImport, payload) == 4 && offset_of!(LoweredImport, len) == 8);
    assert!(size_of::<LoweredResult>() == 16 && align_of::<LoweredResult>() == 4);
    assert!(offset_of!(LoweredResult, value) == 4);
    assert!(offset_of!(LoweredResult, ptr) == 8 && offset_of!(LoweredResult, len) == 12);
};

fn kind(k: wit::ExternKind) -> ExternKind {
    match k {
        wit::ExternKind::Func => ExternKind::Func,
        wit::ExternKind::Table => ExternKind::Table,
        wit::ExternKind::Memory => ExternKind::Memory,
        wit::ExternKind::Global => ExternKind::Global,
        wit::ExternKind::Tag => ExternKind::Tag,
    }
}

fn error(e: wit::Error) -> HostError {
    use wit::ErrorCode as C;
    let code = match e.code {
        C::NotFound => HostErrorCode::NotFound,
        C::AccessDenied => HostErrorCode::AccessDenied,
        C::InvalidModule => HostErrorCode::InvalidModule,
        C::LinkError => HostErrorCode::LinkError,
        C::InstantiationFailed => HostErrorCode::InstantiationFailed,
        C::ResourceExhausted => HostErrorCode::ResourceExhausted,
        C::Unsupported => HostErrorCode::Unsupported,
        C::Other => HostErrorCode::Other,
    };
    HostError { code, message: e.message }
}

fn exports(list: Vec<wit::ExportDesc>) -> Vec<ExportDesc> {
    list.into_iter().map(|e| ExportDesc { name: e.name, kind: kind(e.kind) }).collect()
}

impl Host for WitHost {
    type Module = wit::Module;
    type Instance = wit::Instance;
    type Cell = wit::GlobalCell;
    type Imports = Imports;

    fn load(&mut self, id: &str) -> Result<Self::Module, HostError> {
        loader::load(id).map_err(error)
    }

    fn section(&mut self, m: &Self::Module, id: u8, name: &str) -> Option<Section> {
        m.section(id, name).map(|s| Section { start: s.start, offset: s.offset, data: s.data })
    }

    fn new_cell(&mut self, value: i32) -> Self::Cell {
        wit::GlobalCell::new(value)
    }

    fn set_cell(&mut self, cell: &Self::Cell, value: i32) {
        cell.set(value);
    }

    fn push_import(&mut self, imports: &mut Imports, value: ImportValue<&wit::GlobalCell, &wit::Instance>) {
        let (case, payload, len) = match value {
            ImportValue::CallerMemory => (case::CALLER_MEMORY, 0, 0),
            ImportValue::CallerTable => (case::CALLER_TABLE, 0, 0),
            ImportValue::CallerExport => (case::CALLER_EXPORT, 0, 0),
            ImportValue::FuncSlot(s) => (case::FUNC_SLOT, s, 0),
            ImportValue::ConstI32(v) => (case::CONST_I32, v as u32, 0),
            ImportValue::Cell(c) => (case::CELL, c.handle(), 0),
            ImportValue::Unresolved(msg) => {
                let (ptr, len) = (msg.as_ptr() as usize as u32, msg.len());
                // Moving the `String` does not move its bytes, which the list points to.
                imports.messages.push(msg);
                (case::UNRESOLVED, ptr, len)
            }
            ImportValue::Indirect(s) => (case::INDIRECT, s, 0),
            ImportValue::InstanceExport(i) => (case::INSTANCE_EXPORT, i.handle(), 0),
        };
        imports.list.push(LoweredImport { case, payload, len });
    }

    fn instantiate(&mut self, m: &Self::Module, imports: Imports) -> Result<Self::Instance, HostError> {
        #[link(wasm_import_module = "wasi:module-loader/types@0.1.0-draft")]
        extern "C" {
            #[link_name = "[method]module.instantiate"]
            fn instantiate(module: u32, imports: *const LoweredImport, len: usize, ret: *mut LoweredResult);
        }
        let mut ret = LoweredResult { case: 0, value: 0, ptr: core::ptr::null_mut(), len: 0 };
        let list = &imports.list;
        // SAFETY: `list` is a `list<import-value>` laid out as the canonical ABI lays it out
        // (see `LoweredImport`), its strings owned by `imports.messages` and its cells by the
        // linker, all alive for the call; `ret` has the result's layout. The host moves an
        // error's message into memory from `cabi_realloc` (our allocator), which we take over.
        // `from_handle` and `_lift` are wit-bindgen's own (hidden) lifting helpers.
        unsafe {
            instantiate(m.handle(), list.as_ptr(), list.len(), &mut ret);
            if ret.case == 0 {
                return Ok(wit::Instance::from_handle(ret.value));
            }
            let message = alloc::string::String::from_raw_parts(ret.ptr, ret.len, ret.len);
            Err(error(wit::Error { code: wit::ErrorCode::_lift(ret.value as u8), message }))
        }
    }

    fn file_id(&mut self, m: &Self::Module) -> Option<u64> {
        m.file_id()
    }

    fn caller(&mut self) -> Option<Self::Instance> {
        Some(loader::caller())
    }

    fn instance_exports(&mut self, i: &Self::Instance) -> Vec<ExportDesc> {
        exports(i.exports())
    }

    fn export_value(&mut self, i: &Self::Instance, name: &str) -> Option<ExportValue> {
        Some(match i.export_value(name)? {
            wit::ExportValue::FuncSlot(s) => ExportValue::FuncSlot(s),
            wit::ExportValue::GlobalI32(v) => ExportValue::GlobalI32(v),
            wit::ExportValue::Other(_) => ExportValue::Other,
        })
    }

    fn grow_table(&mut self, delta: u32) -> Result<u32, HostError> {
        loader::grow_table(delta).map_err(error)
    }

    fn release_slots(&mut self, start: u32, count: u32) {
        loader::release_slots(start, count);
    }

    fn copy_slot(&mut self, to: u32, from: u32) -> Result<(), HostError> {
        loader::copy_slot(to, from).map_err(error)
    }

    fn alloc_memory(&mut self, size: u32, align: u32) -> Option<u32> {
        let layout = Layout::from_size_align(size as usize, align as usize).ok()?;
        // SAFETY: `size` is at least 1 (the linker reserves a byte for empty modules).
        let p = unsafe { alloc::alloc::alloc_zeroed(layout) };
        (!p.is_null()).then_some(p as usize as u32)
    }

    fn free_memory(&mut self, addr: u32, size: u32, align: u32) {
        if let Ok(layout) = Layout::from_size_align(size as usize, align as usize) {
            // SAFETY: `addr` came from `alloc_memory` with this same layout.
            unsafe { alloc::alloc::dealloc(addr as usize as *mut u8, layout) }
        }
    }
}
