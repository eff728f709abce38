/* A Lua C module whose functions raise errors (luaL_error: a longjmp from this side module to
 * the interpreter's setjmp in lua.wasm), call back into Lua code that raises, and run a
 * protected call themselves (the interpreter's setjmp with this module's frames below it). */
#include "lauxlib.h"
#include "lua.h"

static int fail(lua_State *L) { return luaL_error(L, "boom from C: %s", luaL_checkstring(L, 1)); }

static int twice(lua_State *L) {
    lua_pushinteger(L, 2 * luaL_checkinteger(L, 1));
    return 1;
}

/* Calls its argument unprotected: an error in it unwinds through this C frame. */
static int call(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_call(L, 0, 0);
    return 0;
}

/* Calls its argument protected; returns the status and the error value. */
static int protect(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    int status = lua_pcall(L, 0, 0, 0);
    if (status == LUA_OK) lua_pushnil(L);
    lua_pushinteger(L, status);
    lua_insert(L, -2);
    return 2;
}

int luaopen_errmod(lua_State *L) {
    static const luaL_Reg funcs[] = {
        {"fail", fail}, {"twice", twice}, {"call", call}, {"protect", protect}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    return 1;
}
