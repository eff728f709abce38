// Reference host for `wasi:module-loader@0.1.0-draft` (wit/module-loader.wit): interfaces
// `types` and `loader` (and the optional `compiler`), for a component transpiled by jco and
// run on Node.
//
// The host only provides primitives: find and compile a module, instantiate it with imports
// the guest names, hand out table slots for functions, read exports. It parses no dylink.0,
// keeps no symbol table and makes no linking decision: that is the guest's libdl's job.
//
// "The caller" is the core instance of the component that owns the linear memory and the
// function table libdl runs in. A jco host sees every core instance in the `instantiateCore`
// hook it passes to `instantiate()`; the runner hands the one exporting
// `__indirect_function_table` to `setCaller()` below.
//
// How jco (its transpiler, @bytecodealliance/jco-transpile 0.15.0 as host/package.json pins)
// maps the WIT types onto these JS values (checked in its generated bindings):
// - record          -> plain object with camelCase fields: `{ code, message }`, `{ offset, data }`.
// - enum            -> the case name as a string: 'not-found', 'func'.
// - variant         -> `{ tag: 'case-name', val }` (`val` absent for cases without payload).
// - option<T>       -> the value, or `undefined` (or `null`) for none.
// - list<u8>        -> a Uint8Array (a plain Array of numbers is accepted too).
// - u32 / s32       -> numbers; returning a u32 the host must keep non-negative, an s32 in range.
// - u64             -> a BigInt.
// - result<T, E>    -> return T for ok; throw the E value itself for err. jco catches what an
//   import throws: an object with an own `payload` property gives err(payload); any other
//   non-Error value gives err(value); an `Error` (and a WebAssembly.RuntimeError above all,
//   which jco records as a trap of the whole component) is re-thrown as a trap. Returning
//   `{ tag: 'ok' | 'err', val }` also works. So errors are thrown as plain `{ code, message }`.
// - resource        -> a JS class exported under its PascalCase name (`Module`, `Instance`,
//   `GlobalCell`). An own<T> result must be an instance of exactly that class; jco gives it a
//   handle, so return a fresh object each time (returning the same object twice hands out the
//   same handle twice). A guest-called constructor runs `new GlobalCell(value)`. Dropping a
//   handle calls the object's `[Symbol.dispose]()` if it has one.
// - borrow<T>       -> the very JS object the host created for that handle (so a `cell`
//   binding gives back our own GlobalCell).

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute, sep } from 'node:path';

/** The error record of the contract, thrown as is (see above). */
const fail = (code, message) => { throw { code, message }; };

/** WebAssembly.Module.imports/exports say 'function'; the WIT enum says 'func'. */
const externKind = (kind) => (kind === 'function' ? 'func' : kind);
/** The contract's extern-kind of an exported value. */
function kindOf(value) {
  if (typeof value === 'function') return 'func';
  if (value instanceof WebAssembly.Global) return 'global';
  if (value instanceof WebAssembly.Memory) return 'memory';
  if (value instanceof WebAssembly.Table) return 'table';
  return 'tag';
}

/** `new WebAssembly.Instance` errors, mapped onto the contract's error codes. */
function instantiationError(e, what) {
  const message = `${what}: ${e.message}`;
  if (e instanceof WebAssembly.LinkError || e instanceof TypeError) return { code: 'link-error', message };
  if (e instanceof WebAssembly.RuntimeError) return { code: 'instantiation-failed', message };
  if (e instanceof RangeError) return { code: 'resource-exhausted', message };
  return { code: 'other', message };
}

/** Is `g` (a WebAssembly.Global) of type i32? Node 20 has no `Global.prototype.type()` without
 *  a flag, so ask the engine: only an i32 global links to an `(import (global i32))`. */
const probes = [0, 1].map((mut) => new WebAssembly.Module(new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,                    // magic, version 1
  0x02, 0x08, 0x01, 0x01, 0x6d, 0x01, 0x67, 0x03, 0x7f, mut, // import "m" "g" (global [mut] i32)
])));
function isI32Global(g) {
  if (typeof g.type === 'function') return g.type().value === 'i32';
  return probes.some((probe) => {
    try { new WebAssembly.Instance(probe, { m: { g } }); return true; } catch { return false; }
  });
}

/** The first section with this `id` (for custom sections, id 0, also this `name`), found by
 *  walking the section headers (id byte, LEB128 size, and for custom sections a name):
 *  `{ start, offset, data }` = where the section starts, where its payload starts (after the
 *  name), and the payload. */
const utf8 = new TextDecoder();

function findSection(bytes, id, name) {
  let p = 8; // after the magic and version
  const leb = () => { let v = 0, shift = 0, b; do { b = bytes[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return v; };
  while (p < bytes.length) {
    const start = p;
    const secId = bytes[p++], size = leb(), end = p + size;
    if (secId === id && id !== 0) return { start, offset: p, data: bytes.subarray(p, end) };
    if (secId === 0 && id === 0) {
      const len = leb(), secName = utf8.decode(bytes.subarray(p, p + len));
      p += len;
      if (secName === name) return { start, offset: p, data: bytes.subarray(p, end) };
    }
    p = end;
  }
  return undefined;
}

/** The function type of each function import of a module (by import index): the bytes of
 *  its `functype` (0x60, params, results), read from the type (1) and import (2) sections. */
function importTypes(bytes) {
  const typeSec = findSection(bytes, 1, ''), importSec = findSection(bytes, 2, '');
  const reader = (data) => {
    let p = 0;
    const leb = () => { let v = 0, shift = 0, b; do { b = data[p++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return v; };
    return { leb, byte: () => data[p++], skip: (n) => { p += n; }, at: () => p };
  };
  const types = [];
  if (typeSec) {
    const r = reader(typeSec.data);
    for (let n = r.leb(); n > 0; n--) {
      const start = r.at();
      if (r.byte() !== 0x60) break; // a type LLVM does not emit (GC proposal): no stubs
      r.skip(r.leb()); // params: one byte each for the number types LLVM uses
      r.skip(r.leb()); // results
      types.push(Array.from(typeSec.data.subarray(start, r.at())));
    }
  }
  const out = [];
  if (importSec) {
    const r = reader(importSec.data);
    for (let i = 0, n = r.leb(); i < n; i++) {
      r.skip(r.leb()); r.skip(r.leb()); // module, name
      const kind = r.byte();
      if (kind === 0) out[i] = types[r.leb()];
      else if (kind === 1) { r.byte(); if (r.byte() & 1) r.leb(); r.leb(); }
      else if (kind === 2) { if (r.byte() & 1) r.leb(); r.leb(); }
      else if (kind === 3) r.skip(2);
      else if (kind === 4) { r.byte(); r.leb(); }
    }
  }
  return out;
}

/** A module importing table `e.t` and i32 global `e.s`, exporting `f` of type `functype`
 *  (bytes) that calls the table's function at index `s` with its arguments. */
function stubBytes(functype) {
  const nparams = functype[1];
  const vec = (items) => [items.length, ...items.flat()];
  const str = (s) => [s.length, ...Buffer.from(s)];
  const section = (id, body) => [id, ...leb128(body.length), ...body];
  const body = [0, ...Array.from({ length: nparams }, (_, i) => [0x20, ...leb128(i)]).flat(), 0x23, 0, 0x11, 0, 0, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([functype])),
    ...section(2, vec([[...str('e'), ...str('t'), 1, 0x70, 0, 0], [...str('e'), ...str('s'), 3, 0x7f, 0]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str('f'), 0, 0]])),
    ...section(10, vec([[...leb128(body.length), ...body]])),
  ]);
}
const leb128 = (v) => { const out = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v); return out; };

/**
 * Make an implementation of the contract.
 *   preopens: { guestPath: hostDir } — exactly the preopens the guest's filesystem has.
 *   cwd:      the guest's current directory, against which relative ids resolve (wasi-libc
 *             starts in '/'; a preopen named '.' is mounted at the guest's root).
 * Returns { setCaller, types, loader, compiler }: pass the last three as the import object's
 * 'wasi:module-loader/types', '…/loader' and '…/compiler'.
 */
export function createModuleLoader({ preopens = { '.': process.cwd() }, cwd = '/' } = {}) {
  let caller = null; // { exports, descs, memory, table }

  /** Hand over the caller's core instance (and its module, for the export kinds). */
  function setCaller(instance, module) {
    const e = instance.exports;
    caller = { exports: e, descs: WebAssembly.Module.exports(module), memory: e.memory, table: e.__indirect_function_table };
  }
  // Without a caller nothing here can work: a host bug, so a trap rather than an error value.
  const need = () => { if (!caller) throw new Error('module-loader: the caller core instance was not captured'); return caller; };

  // ---- Function slots: the same function always gets the same index. ----------------------
  // `slots` maps every function seen in the caller's table to its first index. Entries up to
  // `scanned` were read once; null slots met on the way (`holes`: ranges the guest grew but
  // had not yet filled, e.g. for a side module's element segments) are read again on each
  // scan. A function found nowhere gets one new slot at the end of the table (if the table
  // cannot grow, that is a trap: export-value has no error case).
  const slots = new Map();
  let scanned = 0, holes = [];
  const free = []; // slots released with an instance: reused before the table grows
  function register(table, i) {
    const f = table.get(i);
    if (f === null) return false;
    if (!slots.has(f)) slots.set(f, i);
    return true;
  }
  function slotOf(fn, assigned) {
    const { table } = need();
    if (!slots.has(fn)) {
      holes = holes.filter((i) => !register(table, i));
      for (; scanned < table.length; scanned++) if (!register(table, scanned)) holes.push(scanned);
    }
    if (!slots.has(fn)) {
      let i = free.pop();
      if (i !== undefined) table.set(i, fn);
      else try { i = table.grow(1, fn); } catch (e) { throw new WebAssembly.RuntimeError(`cannot grow the table: ${e.message}`); }
      slots.set(fn, i);
      assigned.push(i);
    }
    return slots.get(fn);
  }
  /** Empty slot `i` and forget the function recorded there. */
  function clear(i) {
    const { table } = need();
    const f = table.get(i);
    if (f && slots.get(f) === i) slots.delete(f);
    table.set(i, null);
  }

  // ---- resource instance ---------------------------------------------------------------------
  /** An instance's exports: functions as table slots, i32 globals by value. */
  class Instance {
    #exports; #descs; #assigned = []; // slots slotOf added for this instance's functions
    constructor(exports, descs) { this.#exports = exports; this.#descs = descs; }
    /** Resource drop: release the slots added for this instance's functions. */
    [Symbol.dispose]() {
      for (const i of this.#assigned) { clear(i); free.push(i); }
      this.#assigned = [];
    }
    /** The export `name` itself (for `instance-export` bindings; not part of the WIT). */
    exportNamed(name) { return Object.hasOwn(this.#exports, name) ? this.#exports[name] : undefined; }
    /** The exports, in export-section order: list<export-desc>. */
    exports() { return this.#descs.map(({ name, kind }) => ({ name, kind: externKind(kind) })); }
    /** option<export-value>: a function -> func-slot(its index in the caller's table, added if
     *  needed); an i32 global -> global-i32(current value); anything else -> other(kind);
     *  no such export -> none. */
    exportValue(name) {
      // Straight from the exports object, which is keyed by name: a search of the export list
      // made looking up every export of a library quadratic, and a Map built per instance
      // costs every dlopen of a large library (1.7 ms at 10,000 exports) for two lookups.
      if (!Object.hasOwn(this.#exports, name)) return undefined;
      const value = this.#exports[name], kind = kindOf(value);
      if (kind === 'func') return { tag: 'func-slot', val: slotOf(value, this.#assigned) };
      if (kind === 'global' && isI32Global(value)) return { tag: 'global-i32', val: value.value | 0 };
      return { tag: 'other', val: kind };
    }
  }

  // ---- resource global-cell ------------------------------------------------------------------
  /** A mutable i32 global the guest creates (GOT entries) and binds with `cell`. */
  class GlobalCell {
    constructor(value) { this.global = new WebAssembly.Global({ value: 'i32', mutable: true }, value); }
    get() { return this.global.value; }
    set(value) { this.global.value = value; }
  }

  // ---- resource module -----------------------------------------------------------------------
  class Module {
    #module; #bytes; #fileId;
    constructor(module, bytes, fileId) { this.#module = module; this.#bytes = bytes; this.#fileId = fileId; }
    /** option<u64>: this host's number for the file the module was read from (a BigInt), or
     *  none for compiled bytes. */
    fileId() { return this.#fileId; }
    /** option<section>: the first section with this id (a custom one: called `name`), raw. */
    section(id, name) { return findSection(this.#bytes, id, name); }

    /** result<instance, error>. One value per import, in import-section order; the import
     *  object is built from the module's own import list. Memory and table are the caller's
     *  own, never copies. */
    instantiate(values) {
      const c = need();
      const imports = WebAssembly.Module.imports(this.#module);
      if (values.length !== imports.length) {
        fail('link-error', `${values.length} import values for a module with ${imports.length} imports`);
      }
      const importObject = {};
      let types; // function import types, read only if a late-bound import needs them
      imports.forEach(({ module, name }, i) => {
        const value = values[i];
        const type = value.tag === 'indirect' ? (types ??= importTypes(this.#bytes))[i] : undefined;
        (importObject[module] ??= {})[name] = bindingValue(c, value, module, name, type);
      });
      let instance;
      try { instance = new WebAssembly.Instance(this.#module, importObject); } catch (e) { throw instantiationError(e, 'instantiate'); }
      return new Instance(instance.exports, WebAssembly.Module.exports(this.#module));
    }
  }

  /** The JS value an import-value binds to (`type`: a function import's type, for `indirect`). */
  function bindingValue(c, { tag, val }, module, name, type) {
    const what = `${module}.${name}`;
    switch (tag) {
      case 'caller-memory': return c.memory;
      case 'caller-table': return c.table;
      case 'caller-export':
        return name in c.exports ? c.exports[name] : fail('link-error', `${what}: the caller has no export named ${name}`);
      case 'func-slot': {
        const f = val < c.table.length ? c.table.get(val) : null;
        return f ?? fail('link-error', `${what}: table slot ${val} holds no function`);
      }
      case 'const-i32': return new WebAssembly.Global({ value: 'i32', mutable: false }, val);
      case 'cell': return val.global;
      case 'unresolved': return () => { throw new WebAssembly.RuntimeError(val); };
      // Late bound: a wasm stub of the import's type that calls through the slot
      // (`call_indirect`, which traps on an empty slot or another type). A library's calls to
      // its own weak definitions go this way, so it is a wasm-to-wasm call (a few ns), not a
      // JS function (60-100 ns a call on Node 20).
      case 'indirect': return lateBound(c.table, val, type);
      // Another instance's export (an exception tag a side module defines).
      case 'instance-export':
        return val.exportNamed(name) ?? fail('link-error', `${what}: the instance has no export named ${name}`);
      default: return fail('link-error', `${what}: unknown binding ${tag}`);
    }
  }

  // ---- late-bound function stubs ---------------------------------------------------------------
  // One compiled stub module per function type: it imports the caller's table and an i32 global
  // (the slot) and exports `f`, which passes its arguments to `call_indirect` through that slot.
  const stubModules = new Map();
  function lateBound(table, slot, type) {
    // A type this reader does not know (see importTypes): a JS function stands in, which can
    // take any type.
    if (!type || type[1] >= 0x80) return (...args) => {
      const f = slot < table.length ? table.get(slot) : null;
      if (!f) throw new WebAssembly.RuntimeError(`late-bound table slot ${slot} is empty`);
      return f(...args);
    };
    const key = type.join(',');
    let module = stubModules.get(key);
    if (!module) stubModules.set(key, (module = new WebAssembly.Module(stubBytes(type))));
    const s = new WebAssembly.Global({ value: 'i32', mutable: false }, slot);
    return new WebAssembly.Instance(module, { e: { t: table, s } }).exports.f;
  }

  /** Compile bytes into a Module (result<module, error>); `fileId` as `Module.fileId`. */
  function compile(bytes, what = 'module', fileId = undefined) {
    if (!(bytes instanceof Uint8Array)) bytes = Uint8Array.from(bytes);
    try { return new Module(new WebAssembly.Module(bytes), bytes, fileId); } catch (e) { return fail('invalid-module', `${what}: ${e.message}`); }
  }

  // ---- file identity: one number per distinct file (device and inode, as glibc compares) ----
  const fileIds = new Map();
  function fileIdOf(file) {
    const { dev, ino } = statSync(file, { bigint: true });
    const key = `${dev}:${ino}`;
    if (!fileIds.has(key)) fileIds.set(key, BigInt(fileIds.size + 1));
    return fileIds.get(key);
  }

  // ---- ids -> files, as the guest's filesystem sees them ---------------------------------------
  // Like wasi-libc: a relative id is joined to the guest's cwd; leading '/' and './' are dropped
  // from it and from each preopen's name ('.' becomes ''); the longest preopen name that is a
  // whole-component prefix of the id wins (the later preopen on a tie); the rest is opened
  // inside that directory, where neither '..' nor a symlink may lead outside.
  const strip = (p) => p.replace(/^(?:\/|\.\/|\.$)+/, '');
  const mounts = Object.entries(preopens).map(([guest, host]) => ({ prefix: strip(guest).replace(/\/+$/, ''), host }));
  function resolveId(id) {
    const path = strip(id.startsWith('/') ? id : `${cwd}/${id}`);
    let best = null;
    for (const m of mounts) {
      const hit = m.prefix === '' || path === m.prefix || path.startsWith(`${m.prefix}/`);
      if (hit && (!best || m.prefix.length >= best.prefix.length)) best = m;
    }
    if (!best) fail('not-found', `${id}: not within any preopened directory`);
    let depth = 0;
    for (const seg of path.slice(best.prefix.length).split('/')) {
      if (seg === '..' && --depth < 0) fail('access-denied', `${id}: leads outside the preopened directories`);
      else if (seg !== '' && seg !== '.' && seg !== '..') depth++;
    }
    let root, file;
    try {
      root = realpathSync(best.host);
      file = realpathSync(join(root, path.slice(best.prefix.length)));
    } catch (e) {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') fail('not-found', `${id}: no such file`);
      if (e.code === 'EACCES' || e.code === 'EPERM') fail('access-denied', `${id}: permission denied`);
      fail('other', `${id}: ${e.message}`);
    }
    const rel = relative(root, file);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) fail('access-denied', `${id}: leads outside the preopened directories`);
    return file;
  }

  const loader = {
    /** result<module, error>: find the file `id` names in the guest's view, read and compile it. */
    load(id) {
      const file = resolveId(id);
      let bytes;
      try { bytes = readFileSync(file); } catch (e) {
        if (e.code === 'EACCES' || e.code === 'EPERM') fail('access-denied', `${id}: permission denied`);
        if (e.code === 'EISDIR') fail('invalid-module', `${id}: is a directory`);
        fail('other', `${id}: ${e.message}`);
      }
      return compile(bytes, id, fileIdOf(file));
    },
    /** The caller itself, as an instance: its exports are the main program's symbols. */
    caller() {
      const c = need();
      return new Instance(c.exports, c.descs);
    },
    /** result<u32, error>: grow the caller's table by `delta` null slots; the old length. */
    growTable(delta) {
      try { return need().table.grow(delta); } catch (e) { return fail('resource-exhausted', `cannot grow the table by ${delta}: ${e.message}`); }
    },
    /** Slots the guest reserved and no longer uses: cleared, and re-read by the next scan
     *  (they are holes again), so functions an element segment puts there are found. */
    releaseSlots(start, count) {
      const { table } = need();
      for (let i = start; i < start + count && i < table.length; i++) { clear(i); holes.push(i); }
    },
    /** result<_, error>: table[to] = table[from]. Slot identity (`slotOf`) is unchanged: the
     *  function keeps the index it was first seen at. */
    copySlot(to, from) {
      const { table } = need();
      if (to >= table.length || from >= table.length) fail('link-error', `copy-slot ${from} -> ${to}: index out of bounds`);
      table.set(to, table.get(from));
    },
  };

  return {
    setCaller,
    types: { Module, Instance, GlobalCell },
    loader,
    compiler: { compile: (bytes) => compile(bytes) },
  };
}
