// Run a WASI 0.2 command component on Node, with wasi:module-loader.
//
//   node run.mjs DIR [args...]
//
// DIR holds the output of `jco transpile app.wasm --instantiation sync -o DIR --name main`
// (with a package.json saying {"type":"module"}). The guest gets argv[0] from $DLRUN_ARGV0
// (default 'main') and the rest from the command line, this process's environment (less
// DLRUN_*), stdin/stdout/stderr, the clocks, randomness, sockets, and the current directory
// preopened as '.' — which wasi-libc mounts at the guest's root, its starting cwd — plus the
// directories $DLRUN_DIRS names (`bin/dlrun --dir`).
// Exit status: the guest's, or 1 with the trap's message on stderr if it traps.
import { cli, clocks, filesystem, http, io, random, sockets } from '@bytecodealliance/preview2-shim';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createModuleLoader } from './module-loader.mjs';

const [dir, ...args] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node run.mjs JCO_OUTPUT_DIR [args...]');
  process.exit(2);
}
const outDir = resolve(dir);

// The guest's view of the world.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DLRUN_')));
cli._setEnv(env);
cli._setArgs([process.env.DLRUN_ARGV0 || 'main', ...args]);
cli._setCwd('/'); // wasi:cli/environment.initial-cwd, in guest terms
// bin/dlrun --dir HOST::GUEST: more preopens, one per line of $DLRUN_DIRS.
const preopens = { '.': process.cwd() };
for (const line of (process.env.DLRUN_DIRS ?? '').split('\n').filter(Boolean)) {
  const [host, guest] = line.split('::');
  preopens[guest] = host;
}
filesystem._setPreopens(preopens);
// wasi-libc asks for descriptor-flags.mutate-directory on every open that may create or
// truncate (O_CREAT, O_TRUNC), and preview2-shim 0.26.1 refuses that flag outright ("Not
// supported" from fopen(name, "w")). It is a permission, not a mode: wasmtime grants it when
// the preopen allows writes, and every preopen here is read-write, so it is granted and the
// open goes on without it.
const { Descriptor } = filesystem.types;
const openAt = Descriptor.prototype.openAt;
Descriptor.prototype.openAt = function (pathFlags, path, openFlags, descriptorFlags) {
  return openAt.call(this, pathFlags, path, openFlags, { ...descriptorFlags, mutateDirectory: false });
};
const moduleLoader = createModuleLoader({ preopens, cwd: '/' });

// DLRUN_PROFILE=FILE (used by bin/bench): time every module-loader call twice, and write, at
// exit, JSON { key: [[start, duration], ...] } (nanoseconds of process.hrtime, the clock the
// guest's monotonic clock reads too) to FILE:
//   "<Class>.<method>" / "loader.<function>": the host's implementation alone;
//   "guest:<import name>": the whole call as the guest's code sees it, from the core wasm
//   import to its return, so including jco's lifting, lowering and task bookkeeping;
//   "clock:now": the guest's clock readings (see timedImports).
const profile = process.env.DLRUN_PROFILE ? {} : null;
const record = (key, t0) => {
  (profile[key] ??= []).push([Number(t0), Number(process.hrtime.bigint() - t0)]);
};
const timed = (f, key) => function (...args) {
  const t0 = process.hrtime.bigint();
  try { return f.apply(this, args); } finally { record(key, t0); }
};
if (profile) {
  const { loader, types } = moduleLoader;
  for (const name of Object.keys(loader)) loader[name] = timed(loader[name], `loader.${name}`);
  for (const [cls, proto] of Object.entries(types).map(([n, c]) => [n, c.prototype])) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor') proto[name] = timed(proto[name], `${cls}.${name}`);
    }
  }
  process.on('exit', () => writeFileSync(process.env.DLRUN_PROFILE, JSON.stringify(profile)));
}

// With DLRUN_PROFILE, the module-loader imports of a core module, each wrapped in a timer;
// and the monotonic clock's `now` ("clock:now"), so that the time between two clock readings
// of the guest can be told apart from the time the readings themselves took.
function timedImports(coreImports) {
  if (!profile || !coreImports) return coreImports;
  const wrap = (fns, key) => Object.fromEntries(Object.entries(fns).map(([n, f]) => [n, typeof f === 'function' && key(n) ? timed(f, key(n)) : f]));
  const out = {};
  for (const [ns, fns] of Object.entries(coreImports)) {
    if (ns.startsWith('wasi:module-loader/')) out[ns] = wrap(fns, (n) => `guest:${n}`);
    else if (ns.startsWith('wasi:clocks/monotonic-clock')) out[ns] = wrap(fns, (n) => n === 'now' && 'clock:now');
    else out[ns] = fns;
  }
  return out;
}

// Interface name -> implementation. jco asks for unversioned names ('wasi:cli/exit') unless
// told otherwise; the proxy below also answers versioned ones ('wasi:cli/exit@0.2.6').
const interfaces = {
  'wasi:cli/environment': cli.environment,
  'wasi:cli/exit': cli.exit,
  'wasi:cli/stdin': cli.stdin,
  'wasi:cli/stdout': cli.stdout,
  'wasi:cli/stderr': cli.stderr,
  'wasi:cli/terminal-input': cli.terminalInput,
  'wasi:cli/terminal-output': cli.terminalOutput,
  // A stream is a terminal only when the host's is (the shim always says it is, so isatty()
  // was true for pipes and files, and programs wrote colour codes into them).
  'wasi:cli/terminal-stdin': { getTerminalStdin: () => (process.stdin.isTTY ? cli.terminalStdin.getTerminalStdin() : undefined) },
  'wasi:cli/terminal-stdout': { getTerminalStdout: () => (process.stdout.isTTY ? cli.terminalStdout.getTerminalStdout() : undefined) },
  'wasi:cli/terminal-stderr': { getTerminalStderr: () => (process.stderr.isTTY ? cli.terminalStderr.getTerminalStderr() : undefined) },
  'wasi:clocks/monotonic-clock': clocks.monotonicClock,
  'wasi:clocks/wall-clock': clocks.wallClock,
  'wasi:filesystem/types': filesystem.types,
  'wasi:filesystem/preopens': filesystem.preopens,
  'wasi:io/error': io.error,
  'wasi:io/poll': io.poll,
  'wasi:io/streams': io.streams,
  'wasi:random/random': random.random,
  'wasi:random/insecure': random.insecure,
  'wasi:random/insecure-seed': random.insecureSeed,
  'wasi:sockets/instance-network': sockets.instanceNetwork,
  'wasi:sockets/ip-name-lookup': sockets.ipNameLookup,
  'wasi:sockets/network': sockets.network,
  'wasi:sockets/tcp': sockets.tcp,
  'wasi:sockets/tcp-create-socket': sockets.tcpCreateSocket,
  'wasi:sockets/udp': sockets.udp,
  'wasi:sockets/udp-create-socket': sockets.udpCreateSocket,
  'wasi:http/types': http.types,
  'wasi:http/outgoing-handler': http.outgoingHandler,
  'wasi:module-loader/types': moduleLoader.types,
  'wasi:module-loader/loader': moduleLoader.loader,
  'wasi:module-loader/compiler': moduleLoader.compiler,
};
const imports = new Proxy(interfaces, {
  get: (target, name) => target[name] ?? target[String(name).replace(/@[^@/]*$/, '')],
});

// Every core instance of the component passes through here; the caller of the module loader
// is the one that exports its function table. Synchronous instantiation: jco's async mode
// wraps every import call in task bookkeeping, which doubled the cost of a dlopen (measured:
// best dlopen of a 1,000-export library 2.9 ms async, 1.8 ms sync).
let callerSeen = false;
function instantiateCore(module, coreImports) {
  const instance = new WebAssembly.Instance(module, timedImports(coreImports));
  if (!callerSeen && instance.exports.__indirect_function_table instanceof WebAssembly.Table) {
    callerSeen = true;
    moduleLoader.setCaller(instance, module);
  }
  return instance;
}
const getCoreModule = (name) => new WebAssembly.Module(readFileSync(join(outDir, name)));

let exitCode = 0;
try {
  const { instantiate } = await import(pathToFileURL(join(outDir, 'main.js')).href);
  const component = instantiate(getCoreModule, imports, instantiateCore);
  const run = component.run ?? component['wasi:cli/run@0.2.0'];
  if (!run) throw new Error('the component does not export wasi:cli/run');
  await run.run(); // wasi:cli/exit calls process.exit() itself
} catch (e) {
  // `run` returned err (main's status was not 0; wasi:cli/run carries no code: jco throws
  // the err case's payload, which is none, or a ComponentError in older versions) or a trap.
  if (e === undefined || e?.constructor?.name === 'ComponentError') exitCode = 1;
  else {
    const message = String(e?.message ?? e);
    const trap = e instanceof WebAssembly.RuntimeError && !message.startsWith('wasm trap');
    console.error(`error: ${trap ? 'wasm trap: ' : ''}${message}`);
    exitCode = 1;
  }
}
process.exitCode = exitCode;
