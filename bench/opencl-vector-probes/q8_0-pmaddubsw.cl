// Q8_0 with int8 x (timing only: x's buffer read as bytes, scale 1): |w| as unsigned bytes times sign-applied x,
// vpmaddubsw then vpmaddwd (clang's x86 builtins on 256-bit ext_vector types, as llama.cpp does without VNNI), one
// float per block. PoCL accepts the builtins but runs this 5.5x slower than q8_0-float16.cl (see README.md).
typedef char char32 __attribute__((ext_vector_type(32)));
typedef uchar uchar32 __attribute__((ext_vector_type(32)));
#define as_char32(v) __builtin_astype((v), char32)
typedef short short16v __attribute__((ext_vector_type(16)));
typedef int int8v __attribute__((ext_vector_type(8)));
__kernel void q8_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  __global const char* row = w + (size_t)r * blocks * 34;
  __global const char* xq = (__global const char*)x;
  float8 a = (float8)(0.0f);
  for (int b = 0; b < blocks; b++) {
    __global const char* blk = row + b * 34;
    float d = vload_half(0, (__global const half*)blk);
    char16 w0 = vload16(0, blk + 2), w1 = vload16(0, blk + 18);
    char16 x0 = vload16(0, xq + b * 32), x1 = vload16(0, xq + b * 32 + 16);
    char32 wv = (char32)(w0, w1);
    char32 xv = (char32)(x0, x1);
    char32 ax = as_char32((uchar32)(abs(w0), abs(w1)));
    char32 sx = __builtin_ia32_psignb256(xv, wv);
    short16v p = __builtin_ia32_pmaddubsw256((char32)ax, sx);
    int8v s = __builtin_ia32_pmaddwd256(p, (short16v)(1));
    a += d * convert_float8(as_int8(s));
  }
  float4 s4 = a.lo + a.hi; float2 s2 = s4.lo + s4.hi;
  out[oo + r] = s2.x + s2.y;
}
