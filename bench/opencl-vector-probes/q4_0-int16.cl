// Q4_0 with int8 x (timing only: x's buffer read as bytes, scale 1): integer products per block, float per block
__kernel void q4_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  __global const uchar* row = (__global const uchar*)w + (size_t)r * blocks * 18;
  __global const char* xq = (__global const char*)x;
  float16 a = (float16)(0.0f);
  for (int b = 0; b < blocks; b++) {
    __global const uchar* blk = row + b * 18;
    float d = vload_half(0, (__global const half*)blk);
    uchar16 q = vload16(0, blk + 2);
    short16 lo = convert_short16(q & (uchar)15) - (short)8;
    short16 hi = convert_short16(q >> (uchar)4) - (short)8;
    short16 x0 = convert_short16(vload16(0, xq + b * 32));
    short16 x1 = convert_short16(vload16(0, xq + b * 32 + 16));
    int16 p = convert_int16(lo) * convert_int16(x0) + convert_int16(hi) * convert_int16(x1);
    a += d * convert_float16(p);
  }
  float8 s8 = a.lo + a.hi; float4 s4 = s8.lo + s8.hi; float2 s2 = s4.lo + s4.hi;
  out[oo + r] = s2.x + s2.y;
}
