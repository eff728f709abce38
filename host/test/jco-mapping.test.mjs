// End to end through jco's generated bindings: a tiny component (hand-written core module +
// the real wit/module-loader.wit) calls the loader through the canonical ABI, so this checks
// how jco carries results, errors, options, variants, resources and borrows to and from
// module-loader.mjs.
//   node --test host/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { parse, componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { createModuleLoader } from '../module-loader.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const contract = readFileSync(join(here, '..', '..', 'wit', 'module-loader.wit'), 'utf8');
const pkg = contract.match(/^package ([^;]+);$/m);
const WIT = `package test:probe;
world probe {
  import wasi:module-loader/loader@0.1.0-draft;
  export probe: func(id: string) -> s32;
  export cell: func(v: s32) -> s32;
  export link: func(id: string) -> s32;
}
package ${pkg[1]} {${contract.slice(pkg.index + pkg[0].length)}}
`;

const L = '"wasi:module-loader/loader@0.1.0-draft"', T = '"wasi:module-loader/types@0.1.0-draft"';
const GUEST = String.raw`(module
  (import ${L} "load" (func $load (param i32 i32 i32)))
  (import ${L} "grow-table" (func $grow (param i32 i32)))
  (import ${T} "[constructor]global-cell" (func $cell_new (param i32) (result i32)))
  (import ${T} "[method]global-cell.get" (func $cell_get (param i32) (result i32)))
  (import ${T} "[method]global-cell.set" (func $cell_set (param i32 i32)))
  (import ${T} "[method]module.section" (func $section (param i32 i32 i32 i32 i32)))
  (import ${T} "[method]module.instantiate" (func $inst (param i32 i32 i32 i32)))
  (import ${T} "[method]instance.export-value" (func $value (param i32 i32 i32 i32)))
  (import ${T} "[resource-drop]module" (func $drop_module (param i32)))
  (type $ri (func (result i32)))
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 1 funcref)
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 220) "get_x")
  (data (i32.const 230) "k")
  (data (i32.const 240) "nope")
  (data (i32.const 250) "dylink.0")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  ;; load(id): err -> -(100 + code) - 1000 * message length; ok -> grow-table(2), its result
  (func (export "probe") (param $ptr i32) (param $len i32) (result i32)
    (call $load (local.get $ptr) (local.get $len) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return
      (i32.sub (i32.sub (i32.const -100) (i32.load8_u (i32.const 68)))
               (i32.mul (i32.load (i32.const 76)) (i32.const 1000))))))
    (call $drop_module (i32.load (i32.const 68)))
    (call $grow (i32.const 2) (i32.const 96))
    (if (i32.load8_u (i32.const 96)) (then (return (i32.const -1))))
    (i32.load (i32.const 100)))
  (func (export "cell") (param $v i32) (result i32)
    (local $h i32)
    (local.set $h (call $cell_new (local.get $v)))
    (call $cell_set (local.get $h) (i32.add (call $cell_get (local.get $h)) (i32.const 1)))
    (call $cell_get (local.get $h)))
  ;; load(id), instantiate it with GOT.mem.x bound to a cell, then write what it sees at 1000..
  (func (export "link") (param $ptr i32) (param $len i32) (result i32)
    (local $m i32) (local $c i32) (local $i i32)
    (call $load (local.get $ptr) (local.get $len) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return (i32.const -1))))
    (local.set $m (i32.load (i32.const 68)))
    ;; section(0, "dylink.0") -> option<record { start, offset, data }>
    (call $section (local.get $m) (i32.const 0) (i32.const 250) (i32.const 8) (i32.const 64))
    (i32.store (i32.const 1000) (i32.load8_u (i32.const 64)))
    (i32.store (i32.const 1004) (i32.load (i32.const 72)))
    (i32.store (i32.const 1008) (i32.load (i32.const 80)))
    (i32.store (i32.const 1012) (i32.load8_u (i32.load (i32.const 76))))
    ;; one import-value, cell(c) (case 5), at 128: the value of SIDE's only import, GOT.mem.x
    (local.set $c (call $cell_new (i32.const 5)))
    (i32.store8 (i32.const 128) (i32.const 5)) (i32.store (i32.const 132) (local.get $c))
    (call $inst (local.get $m) (i32.const 128) (i32.const 1) (i32.const 64))
    (if (i32.load8_u (i32.const 64)) (then (return (i32.sub (i32.const -100) (i32.load8_u (i32.const 68))))))
    (local.set $i (i32.load (i32.const 68)))
    (call $cell_set (local.get $c) (i32.const 77))
    ;; export-value("get_x") -> some(func-slot(n)): call it
    (call $value (local.get $i) (i32.const 220) (i32.const 5) (i32.const 64))
    (i32.store (i32.const 1016) (i32.load8_u (i32.const 64)))
    (i32.store (i32.const 1020) (i32.load8_u (i32.const 68)))
    (i32.store (i32.const 1024) (i32.load (i32.const 72)))
    (i32.store (i32.const 1028) (call_indirect (type $ri) (i32.load (i32.const 72))))
    ;; export-value("k") -> some(global-i32(-9)); export-value("nope") -> none
    (call $value (local.get $i) (i32.const 230) (i32.const 1) (i32.const 64))
    (i32.store (i32.const 1032) (i32.load8_u (i32.const 68)))
    (i32.store (i32.const 1036) (i32.load (i32.const 72)))
    (call $value (local.get $i) (i32.const 240) (i32.const 4) (i32.const 64))
    (i32.store (i32.const 1040) (i32.load8_u (i32.const 64)))
    (i32.const 0)))`;

const SIDE = String.raw`(module
  (@custom "dylink.0" (before first) "\2a")
  (import "GOT.mem" "x" (global $x (mut i32)))
  (global (export "k") i32 (i32.const -9))
  (func (export "get_x") (result i32) (global.get $x)))`;

const dir = mkdtempSync(join(tmpdir(), 'jco-mapping-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function build() {
  const component = await componentNew(await componentEmbed({ binary: await parse(GUEST), witSource: WIT, world: 'test:probe/probe' }));
  const { files } = await transpileBytes(component, { name: 'main', instantiation: 'async', emitTypescriptDeclarations: false });
  const out = join(dir, 'out');
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    writeFileSync(join(out, name), bytes);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  const root = join(dir, 'root');
  mkdirSync(root);
  writeFileSync(join(root, 'side.wasm'), await parse(SIDE));
  writeFileSync(join(root, 'bad.wasm'), 'garbage');

  const ml = createModuleLoader({ preopens: { '.': root } });
  let memory;
  const { instantiate } = await import(pathToFileURL(join(out, 'main.js')).href);
  const exports = await instantiate(
    (name) => WebAssembly.compile(readFileSync(join(out, name))),
    { 'wasi:module-loader/loader': ml.loader, 'wasi:module-loader/types': ml.types },
    async (module, imports) => {
      const instance = await WebAssembly.instantiate(module, imports);
      if (instance.exports.__indirect_function_table) { ml.setCaller(instance, module); memory = instance.exports.memory; }
      return instance;
    },
  );
  return { exports, words: (at, n) => [...new Int32Array(memory.buffer, at, n)] };
}
const guest = await build();

test('result: ok values and thrown { code, message } errors reach the guest', () => {
  const { probe } = guest.exports;
  assert.equal(probe('side.wasm'), 1); // grow-table(2) on a table of 1
  assert.equal(probe('/side.wasm'), 3);
  const err = (code, message) => -(100 + code) - 1000 * message.length;
  assert.equal(probe('missing.so'), err(0, 'missing.so: no such file'));
  assert.equal(probe('../side.wasm'), err(1, '../side.wasm: leads outside the preopened directories'));
  assert.equal(probe('bad.wasm') % 1000, -102); // invalid-module, with the engine's message
});

test('resource constructor and methods', () => {
  assert.equal(guest.exports.cell(41), 42);
  assert.equal(guest.exports.cell(-7), -6);
});

test('option, record, list, variant and borrow through instantiate and export-value', () => {
  assert.equal(guest.exports.link('side.wasm'), 0);
  const [some, offset, len, first, some2, tag, slot, called, tagK, k, none] = guest.words(1000, 11);
  assert.deepEqual([some, offset, len, first], [1, 8 + 1 + 1 + 1 + 8, 1, 0x2a]);
  assert.deepEqual([some2, tag, called], [1, 0, 77]); // some(func-slot(slot)), and the slot works
  assert.ok(slot > 0);
  assert.deepEqual([tagK, k], [1, -9]); // global-i32(-9)
  assert.equal(none, 0);
});
