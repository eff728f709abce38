/* Forced into every Lua source file (-include) by ports/lua/build. WASI has no processes and
 * no temporary files: the two libc calls Lua's stock os and io libraries make that wasi-libc
 * does not define fail here instead, with ENOSYS, so `os.execute(cmd)` and `io.tmpfile()`
 * return Lua's usual (nil, message, code) and `os.execute()` reports no shell. Lua's own
 * `os.tmpname` is configured in the build (lua_tmpnam). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#define system(cmd) ((cmd) ? (errno = ENOSYS, -1) : 0)
#define tmpfile() (errno = ENOSYS, (FILE *)0)
