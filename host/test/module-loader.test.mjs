// Drives module-loader.mjs directly (no component): a hand-written "main" core instance plays
// the caller, a hand-written side module is loaded into its memory and table.
//   node --test host/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { createModuleLoader } from '../module-loader.mjs';

const MAIN = String.raw`(module
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 2 funcref)
  (global (export "__stack_pointer") (mut i32) (i32.const 4096))
  (global (export "neg") i32 (i32.const -5))
  (global (export "f64g") f64 (f64.const 1))
  (global (export "i64g") i64 (i64.const 1))
  (func $main_fn (export "main_fn") (result i32) (i32.const 7))
  (func (export "other") (result i32) (i32.const 8))
  (elem (i32.const 1) $main_fn))`;

const SIDE = String.raw`(module
  (@custom "dylink.0" (before first) "\01\02\03")
  (import "env" "memory" (memory 1))
  (import "env" "__indirect_function_table" (table 0 funcref))
  (import "env" "__memory_base" (global $mb i32))
  (import "env" "__table_base" (global $tb i32))
  (import "env" "__stack_pointer" (global $sp (mut i32)))
  (import "GOT.mem" "data_sym" (global $got (mut i32)))
  (import "env" "main_fn" (func $main_fn (result i32)))
  (import "env" "weak_fn" (func $weak (result i32)))
  (func $side_fn (export "side_fn") (result i32) (i32.add (call $main_fn) (i32.const 100)))
  (func (export "call_weak") (result i32) (call $weak))
  (func (export "read_got") (result i32) (global.get $got))
  (func (export "read_sp") (result i32) (global.get $sp))
  (export "main_fn_again" (func $main_fn))
  (global (export "data_sym") i32 (i32.const 16))
  (elem (global.get $tb) $side_fn)
  (data (global.get $mb) "hello")
  (@custom "note" "abc")
  (@custom "note" "second"))`;

// Late-bound imports of several types, and a provider of functions of those types.
const LATE = String.raw`(module
  (import "env" "__indirect_function_table" (table 0 funcref))
  (import "env" "mix" (func $mix (param i64 f64 i32) (result f64)))
  (import "env" "nothing" (func $nothing))
  (func (export "call_mix") (result f64) (call $mix (i64.const 40) (f64.const 1.5) (i32.const 2)))
  (func (export "call_nothing") (call $nothing)))`;
const PROVIDER = String.raw`(module
  (func (export "mix") (param i64 f64 i32) (result f64)
    (f64.add (f64.convert_i64_s (local.get 0)) (f64.mul (local.get 1) (f64.convert_i32_s (local.get 2)))))
  (func (export "nothing")))`;

// An exception tag one module defines and another imports (instance-export).
const TAGDEF = String.raw`(module (tag (export "t") (param i32)))`;
const TAGUSE = String.raw`(module (import "env" "t" (tag $t (param i32))) (export "t_again" (tag $t)))`;

const TRAPS = String.raw`(module (func $s unreachable) (start $s))`;
const OOB = String.raw`(module (import "env" "memory" (memory 1)) (data (i32.const 70000) "x"))`;
const LOOSE = String.raw`(module (import "env" "f" (func (result i32))) (import "env" "g" (func (result i32))))`;

const dir = mkdtempSync(join(tmpdir(), 'module-loader-test-'));
const root = join(dir, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
const sideBytes = await parse(SIDE);
writeFileSync(join(root, 'sub', 'side.wasm'), sideBytes);
writeFileSync(join(root, 'traps.wasm'), await parse(TRAPS));
writeFileSync(join(root, 'late.wasm'), await parse(LATE));
writeFileSync(join(root, 'provider.wasm'), await parse(PROVIDER));
writeFileSync(join(root, 'oob.wasm'), await parse(OOB));
writeFileSync(join(root, 'loose.wasm'), await parse(LOOSE));
writeFileSync(join(root, 'tagdef.wasm'), await parse(TAGDEF));
writeFileSync(join(root, 'taguse.wasm'), await parse(TAGUSE));
writeFileSync(join(root, 'garbage.wasm'), 'not wasm at all');
writeFileSync(join(dir, 'outside.wasm'), sideBytes);
symlinkSync('../outside.wasm', join(root, 'escape.wasm'));
symlinkSync('sub/side.wasm', join(root, 'alias.wasm'));
writeFileSync(join(root, 'copy.wasm'), sideBytes);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function setup(mainWat = MAIN) {
  const module = new WebAssembly.Module(await parse(mainWat));
  const instance = new WebAssembly.Instance(module, {});
  const ml = createModuleLoader({ preopens: { '.': root }, cwd: '/' });
  ml.setCaller(instance, module);
  return { ml, main: instance.exports, table: instance.exports.__indirect_function_table };
}
const rejects = (fn, code, text) => assert.throws(fn, (e) => {
  assert.equal(e.code, code, e.message);
  if (text) assert.match(e.message, text);
  return true;
});

test('load resolves ids like the guest filesystem view', async () => {
  const { ml } = await setup();
  for (const id of ['sub/side.wasm', './sub/side.wasm', '/sub/side.wasm', 'sub/../sub/side.wasm']) {
    assert.equal(ml.loader.load(id).section(7, '').data[0], 6, id); // export count
  }
  rejects(() => ml.loader.load('nope.so'), 'not-found', /nope\.so/);
  rejects(() => ml.loader.load('../outside.wasm'), 'access-denied');
  rejects(() => ml.loader.load('sub/../../outside.wasm'), 'access-denied');
  rejects(() => ml.loader.load('escape.wasm'), 'access-denied');
  rejects(() => ml.loader.load('garbage.wasm'), 'invalid-module', /garbage\.wasm/);
  rejects(() => ml.loader.load('sub'), 'invalid-module');
});

test('fileId: one number per file, whatever the id', async () => {
  const { ml } = await setup();
  const id = ml.loader.load('sub/side.wasm').fileId();
  assert.equal(typeof id, 'bigint');
  for (const other of ['./sub/side.wasm', 'alias.wasm', 'sub/../alias.wasm']) {
    assert.equal(ml.loader.load(other).fileId(), id, other);
  }
  assert.notEqual(ml.loader.load('copy.wasm').fileId(), id, 'a copy is another file');
  assert.equal(ml.compiler.compile(await parse(TRAPS)).fileId(), undefined, 'compiled bytes have none');
});

test('sections and custom sections', async () => {
  const { ml } = await setup();
  const m = ml.loader.load('sub/side.wasm');
  // Import (2) and export (7) sections, raw: located where the binary has them.
  for (const [id, count] of [[2, 8], [7, 6]]) {
    const s = m.section(id, 'ignored');
    assert.equal(sideBytes[s.start], id);
    assert.deepEqual([...sideBytes.subarray(s.offset, s.offset + s.data.length)], [...s.data]);
    assert.equal(s.data[0], count);
  }
  const first = m.section(2, '').data;
  assert.equal(new TextDecoder().decode(first.subarray(2, 5)), 'env'); // count, name length, "env"
  assert.equal(m.section(13, ''), undefined, 'no tag section');
  assert.equal(m.section(11, '').data[0], 1, 'one data segment');
  const dylink = m.section(0, 'dylink.0');
  assert.equal(dylink.offset, 8 + 1 + 1 + 1 + 'dylink.0'.length); // header, id, size, name length, name
  assert.deepEqual([...dylink.data], [1, 2, 3]);
  const note = m.section(0, 'note');
  assert.deepEqual(new TextDecoder().decode(note.data), 'abc');
  assert.deepEqual([...sideBytes.subarray(note.offset, note.offset + 3)], [...note.data]);
  assert.equal(m.section(0, 'missing'), undefined);
});

test('instantiate into the caller, slots keep pointer identity', async () => {
  const { ml, main, table } = await setup();
  const { Instance, GlobalCell } = ml.types;
  const m = ml.loader.load('sub/side.wasm');
  const tableBase = ml.loader.growTable(1);
  assert.equal(tableBase, 2);
  const caller = ml.loader.caller();
  assert.ok(caller instanceof Instance);
  assert.deepEqual(caller.exportValue('main_fn'), { tag: 'func-slot', val: 1 });
  const got = new GlobalCell(0);
  // One value per import, in import-section order.
  const inst = m.instantiate([
    { tag: 'caller-memory' }, // env.memory
    { tag: 'caller-table' }, // env.__indirect_function_table
    { tag: 'const-i32', val: 1024 }, // env.__memory_base
    { tag: 'const-i32', val: tableBase }, // env.__table_base
    { tag: 'caller-export' }, // env.__stack_pointer
    { tag: 'cell', val: got }, // GOT.mem.data_sym
    { tag: 'func-slot', val: 1 }, // env.main_fn
    { tag: 'unresolved', val: 'weak_fn is not defined' }, // env.weak_fn
  ]);
  assert.ok(inst instanceof Instance);
  // Data and element segments landed in the caller's memory and table.
  assert.equal(new TextDecoder().decode(new Uint8Array(main.memory.buffer, 1024, 5)), 'hello');
  assert.equal(table.get(tableBase)(), 107);
  // The element segment's slot is found, not duplicated; a re-exported main function keeps
  // main's slot; a function nowhere in the table gets one new slot, once.
  assert.deepEqual(inst.exportValue('side_fn'), { tag: 'func-slot', val: tableBase });
  assert.deepEqual(inst.exportValue('side_fn'), { tag: 'func-slot', val: tableBase });
  assert.deepEqual(inst.exportValue('main_fn_again'), { tag: 'func-slot', val: 1 });
  const readGot = inst.exportValue('read_got');
  assert.equal(readGot.val, table.length - 1);
  assert.deepEqual(inst.exportValue('read_got'), readGot);
  assert.deepEqual(caller.exportValue('other'), { tag: 'func-slot', val: table.length - 1 });
  assert.equal(ml.loader.caller().exportValue('other').val, table.length - 1);
  // GOT cells are shared with the instance; i32 globals come back as s32.
  got.set(-1234);
  assert.equal(got.get(), -1234);
  assert.equal(table.get(readGot.val)(), -1234);
  assert.equal(table.get(inst.exportValue('read_sp').val)(), 4096);
  assert.deepEqual(inst.exportValue('data_sym'), { tag: 'global-i32', val: 16 });
  assert.deepEqual(caller.exportValue('neg'), { tag: 'global-i32', val: -5 });
  assert.deepEqual(caller.exportValue('f64g'), { tag: 'other', val: 'global' });
  assert.deepEqual(caller.exportValue('i64g'), { tag: 'other', val: 'global' });
  assert.deepEqual(caller.exportValue('memory'), { tag: 'other', val: 'memory' });
  assert.deepEqual(caller.exportValue('__indirect_function_table'), { tag: 'other', val: 'table' });
  assert.equal(inst.exportValue('missing'), undefined);
  assert.deepEqual(inst.exports().map((e) => e.name), ['side_fn', 'call_weak', 'read_got', 'read_sp', 'main_fn_again', 'data_sym']);
  // An unresolved (weak) import links, and traps with its message when called.
  const callWeak = table.get(inst.exportValue('call_weak').val);
  assert.throws(callWeak, (e) => e instanceof WebAssembly.RuntimeError && e.message === 'weak_fn is not defined');
});

test('indirect: a stub of the import\'s type calls whatever the slot holds then', async () => {
  const { ml, table } = await setup();
  const slot = ml.loader.growTable(2);
  const late = ml.loader.load('late.wasm').instantiate([
    { tag: 'caller-table' },
    { tag: 'indirect', val: slot },
    { tag: 'indirect', val: slot + 1 },
  ]);
  const callMix = table.get(late.exportValue('call_mix').val);
  assert.throws(callMix, WebAssembly.RuntimeError, 'an empty slot traps');
  const provider = ml.loader.load('provider.wasm').instantiate([]);
  assert.equal(ml.loader.copySlot(slot, provider.exportValue('mix').val), undefined);
  assert.equal(callMix(), 43); // 40 + 1.5 * 2, i64, f64 and i32 passed through
  ml.loader.copySlot(slot + 1, provider.exportValue('mix').val);
  const callNothing = table.get(late.exportValue('call_nothing').val);
  assert.throws(callNothing, WebAssembly.RuntimeError, 'a function of another type traps');
  ml.loader.copySlot(slot + 1, provider.exportValue('nothing').val);
  assert.equal(callNothing(), undefined);
});

test('instance-export: an import bound to another instance\'s export of its name', async () => {
  const { ml } = await setup();
  const def = ml.loader.load('tagdef.wasm').instantiate([]);
  const use = ml.loader.load('taguse.wasm').instantiate([{ tag: 'instance-export', val: def }]);
  assert.ok(def.exportNamed('t') instanceof WebAssembly.Tag);
  assert.equal(use.exportNamed('t_again'), def.exportNamed('t'), 'the same tag, not a copy');
  rejects(() => ml.loader.load('taguse.wasm').instantiate([{ tag: 'instance-export', val: use }]),
    'link-error', /env\.t: the instance has no export named t/);
});

test('link and instantiation errors', async () => {
  const { ml } = await setup();
  const loose = ml.loader.load('loose.wasm');
  const f = { tag: 'func-slot', val: 1 };
  rejects(() => loose.instantiate([f]), 'link-error', /1 import values for a module with 2 imports/);
  rejects(() => loose.instantiate([f, f, f]), 'link-error');
  const g = (value) => loose.instantiate([f, value]);
  assert.ok(g({ tag: 'func-slot', val: 1 }));
  rejects(() => g({ tag: 'func-slot', val: 0 }), 'link-error', /slot 0/);
  rejects(() => g({ tag: 'func-slot', val: 99 }), 'link-error', /slot 99/);
  rejects(() => g({ tag: 'caller-export' }), 'link-error', /env\.g: the caller has no export named g/);
  rejects(() => g({ tag: 'caller-memory' }), 'link-error');
  rejects(() => g({ tag: 'const-i32', val: 1 }), 'link-error');
  rejects(() => ml.loader.load('traps.wasm').instantiate([]), 'instantiation-failed');
  rejects(() => ml.loader.load('oob.wasm').instantiate([{ tag: 'caller-memory' }]), 'instantiation-failed');
});

test('growTable reports resource-exhausted at the table maximum', async () => {
  const { ml } = await setup(MAIN.replace('2 funcref', '2 3 funcref'));
  assert.equal(ml.loader.growTable(1), 2);
  rejects(() => ml.loader.growTable(1), 'resource-exhausted');
  assert.equal(ml.loader.growTable(0), 3);
});

test('compiler.compile', async () => {
  const { ml } = await setup();
  assert.ok(ml.compiler.compile(await parse(TRAPS)) instanceof ml.types.Module);
  rejects(() => ml.compiler.compile(new Uint8Array([1, 2, 3])), 'invalid-module');
});
