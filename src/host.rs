//! What the guest-side linker needs from its host: the `wasi:module-loader` contract
//! (`wit/module-loader.wit`) as a Rust trait, so the linker can be unit-tested on the host target
//! against a model and run on wasm against the real import ([`crate::loader`]).

use alloc::string::String;
use alloc::vec::Vec;

/// `wasi:module-loader/types.extern-kind`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

/// `wasi:module-loader/types.error-code`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostErrorCode {
    NotFound,
    AccessDenied,
    InvalidModule,
    LinkError,
    InstantiationFailed,
    ResourceExhausted,
    Unsupported,
    Other,
}

/// `wasi:module-loader/types.error`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub code: HostErrorCode,
    pub message: String,
}

/// `wasi:module-loader/types.section`: a section's payload and where it is in the binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Offset of the section's id byte in the module binary.
    pub start: u32,
    /// Offset of the payload (after the section name).
    pub offset: u32,
    pub data: Vec<u8>,
}

/// One import of a module, its names borrowed from the import section's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportDesc<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub kind: ExternKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportDesc {
    pub name: String,
    pub kind: ExternKind,
}

/// `wasi:module-loader/types.export-value`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportValue {
    FuncSlot(u32),
    GlobalI32(i32),
    /// A global of another type, a memory, a table or a tag (its kind is not needed).
    Other,
}

/// `wasi:module-loader/types.import-value`. `C` is how a cell is held: the linker hands the
/// host a borrowed one ([`Host::push_import`]), the model records its cell numbers.
/// `CallerExport` is the caller's export of the import's own name. `repr(u8)`: the case is a
/// tag byte of its own rather than a niche in the `String`'s capacity, which is cheaper code
/// both where a value is made and where the host lowers it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ImportValue<C, I = C> {
    CallerMemory,
    CallerTable,
    CallerExport,
    FuncSlot(u32),
    ConstI32(i32),
    Cell(C),
    Unresolved(String),
    Indirect(u32),
    /// That instance's export with the import's own name (an exception tag a side module
    /// defines).
    InstanceExport(I),
}

/// The host primitives. All methods are infallible except where the WIT returns a result.
pub trait Host {
    type Module;
    type Instance;
    type Cell;
    /// The values bound to one module's imports, in import-section order, held as
    /// `instantiate` takes them (the real host lowers each as it is pushed).
    type Imports: Default;

    fn load(&mut self, id: &str) -> Result<Self::Module, HostError>;
    /// The first section with this id, raw; for id 0, the first custom section named `name`
    /// (`name` is ignored for other ids).
    fn section(&mut self, m: &Self::Module, id: u8, name: &str) -> Option<Section>;
    fn new_cell(&mut self, value: i32) -> Self::Cell;
    fn set_cell(&mut self, cell: &Self::Cell, value: i32);
    /// Appends the value of a module's next import to `imports`.
    fn push_import(&mut self, imports: &mut Self::Imports, value: ImportValue<&Self::Cell, &Self::Instance>);
    fn instantiate(&mut self, m: &Self::Module, imports: Self::Imports) -> Result<Self::Instance, HostError>;
    /// The host's number for the file the module came from (`module.file-id`): equal numbers,
    /// same file.
    fn file_id(&mut self, m: &Self::Module) -> Option<u64>;
    /// The caller's own instance; `None` when the host cannot provide one (then the main
    /// program has no symbols for `dlopen(NULL)`).
    fn caller(&mut self) -> Option<Self::Instance>;
    fn instance_exports(&mut self, i: &Self::Instance) -> Vec<ExportDesc>;
    fn export_value(&mut self, i: &Self::Instance, name: &str) -> Option<ExportValue>;
    fn grow_table(&mut self, delta: u32) -> Result<u32, HostError>;
    fn copy_slot(&mut self, to: u32, from: u32) -> Result<(), HostError>;
    /// Slots `[start, start + count)` reserved with `grow_table` are no longer used.
    fn release_slots(&mut self, start: u32, count: u32);

    /// Reserves `size` zeroed bytes aligned to `align` in the caller's memory (the one heap
    /// the program has); returns the address. `None` when out of memory.
    fn alloc_memory(&mut self, size: u32, align: u32) -> Option<u32>;
    fn free_memory(&mut self, addr: u32, size: u32, align: u32);
}

/// The host of a libdl built without the `runtime-loader` feature (link-time mode only, for
/// hosts that do not implement `wasi:module-loader`): nothing can be loaded at run time.
pub struct NoLoader;

impl Host for NoLoader {
    type Module = ();
    type Instance = ();
    type Cell = ();
    type Imports = ();

    fn load(&mut self, _id: &str) -> Result<(), HostError> {
        Err(HostError { code: HostErrorCode::NotFound, message: String::new() })
    }
    fn section(&mut self, _: &(), _: u8, _: &str) -> Option<Section> {
        None
    }
    fn new_cell(&mut self, _: i32) {}
    fn set_cell(&mut self, _: &(), _: i32) {}
    fn push_import(&mut self, _: &mut (), _: ImportValue<&(), &()>) {}
    fn instantiate(&mut self, _: &(), _: ()) -> Result<(), HostError> {
        Err(HostError { code: HostErrorCode::Unsupported, message: String::new() })
    }
    fn file_id(&mut self, _: &()) -> Option<u64> {
        None
    }
    fn caller(&mut self) -> Option<()> {
        None
    }
    fn instance_exports(&mut self, _: &()) -> Vec<ExportDesc> {
        Vec::new()
    }
    fn export_value(&mut self, _: &(), _: &str) -> Option<ExportValue> {
        None
    }
    fn grow_table(&mut self, _: u32) -> Result<u32, HostError> {
        Err(HostError { code: HostErrorCode::Unsupported, message: String::new() })
    }
    fn release_slots(&mut self, _: u32, _: u32) {}
    fn copy_slot(&mut self, _: u32, _: u32) -> Result<(), HostError> {
        Err(HostError { code: HostErrorCode::Unsupported, message: String::new() })
    }
    fn alloc_memory(&mut self, _: u32, _: u32) -> Option<u32> {
        None
    }
    fn free_memory(&mut self, _: u32, _: u32, _: u32) {}
}
