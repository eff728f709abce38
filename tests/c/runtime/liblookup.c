/* 256 functions and one datum, for lookup.c. Names are four base-4 digits, lk_0000 ..
 * lk_3333; lk_DDDD(x) returns x plus DDDD read as an octal number (0##n makes it one). */
#define F(n) int lk_##n(int x) { return x + 0##n; }
#define F4(n) F(n##0) F(n##1) F(n##2) F(n##3)
#define F16(n) F4(n##0) F4(n##1) F4(n##2) F4(n##3)
#define F64(n) F16(n##0) F16(n##1) F16(n##2) F16(n##3)
F64(0) F64(1) F64(2) F64(3)

int lk_datum = 1234;
