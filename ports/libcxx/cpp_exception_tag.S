# The C++ exception tag, `__cpp_exception` (one i32 parameter: the exception object), defined
# once per process, in the program, as libsetjmp's `__c_longjmp` is: clang-19 leaves it
# undefined in position-independent objects (LLVM's WebAssemblyAsmPrinter.cpp: "in dynamic
# linking we make tag symbols undefined in the backend"), and this libc++ is built -fPIC. The
# program that links libc++ gets the tag from here and exports it; side modules import it, so
# that a `throw` in one module is caught in another. Strong, not weak: in a main program
# linked as a shared object (link-time mode) a weak definition is preemptible and the program
# would import its own tag, which wit-component refuses. (Non-PIC objects define it weak
# themselves; a strong definition wins over those.)
	.globl	__cpp_exception
	.tagtype	__cpp_exception i32
__cpp_exception:
