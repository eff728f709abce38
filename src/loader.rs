//! [`Host`] over the imported `wasi:module-loader` interface (bindings by wit-bindgen).

use crate::host::{
    ExportDesc, ExportValue, ExternKind, Host, HostError, HostErrorCode, ImportValue, Section,
};
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

    fn load(&mut self, id: &str) -> Result<Self::Module, HostError> {
        loader::load(id).map_err(error)
    }

    fn section(&mut self, m: &Self::Module, id: u8) -> Option<Section> {
        m.section(id).map(|s| Section { start: s.start, offset: s.offset, data: s.data })
    }

    fn custom_section(&mut self, m: &Self::Module, name: &str) -> Option<Section> {
        m.custom_section(name).map(|s| Section { start: s.start, offset: s.offset, data: s.data })
    }

    fn new_cell(&mut self, value: i32) -> Self::Cell {
        wit::GlobalCell::new(value)
    }

    fn set_cell(&mut self, cell: &Self::Cell, value: i32) {
        cell.set(value);
    }

    fn instantiate(
        &mut self,
        m: &Self::Module,
        imports: &[ImportValue],
        cells: &[Self::Cell],
    ) -> Result<Self::Instance, HostError> {
        let list: Vec<wit::ImportValue<'_>> = imports
            .iter()
            .map(|v| match v {
                ImportValue::CallerMemory => wit::ImportValue::CallerMemory,
                ImportValue::CallerTable => wit::ImportValue::CallerTable,
                ImportValue::CallerExport => wit::ImportValue::CallerExport,
                ImportValue::FuncSlot(s) => wit::ImportValue::FuncSlot(*s),
                ImportValue::ConstI32(v) => wit::ImportValue::ConstI32(*v),
                ImportValue::Cell(i) => wit::ImportValue::Cell(&cells[*i]),
                ImportValue::Unresolved(msg) => wit::ImportValue::Unresolved(msg),
                ImportValue::Indirect(s) => wit::ImportValue::Indirect(*s),
            })
            .collect();
        m.instantiate(&list).map_err(error)
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
            wit::ExportValue::Other(k) => ExportValue::Other(kind(k)),
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
