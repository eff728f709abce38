# A strong definition of `__c_longjmp`, the exception tag setjmp/longjmp throw and catch
# (wasi-libc's libsetjmp.a defines it weak). bin/wasm32-wasip2-link links it into a main
# program built as a shared object for `wasm-tools component link`: a weak definition there
# would be preemptible, so the program would import its own tag, a cycle wit-component
# refuses ("circular dependency prevents direct tag import"). Side modules import this one.
	.globl	__c_longjmp
	.tagtype	__c_longjmp i32
__c_longjmp:
