// Q4_0, float lanes as OpenCL vectors: one work-item per row
__kernel void q4_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  __global const uchar* row = (__global const uchar*)w + (size_t)r * blocks * 18;
  float16 a = (float16)(0.0f);
  for (int b = 0; b < blocks; b++) {
    __global const uchar* blk = row + b * 18;
    float d = vload_half(0, (__global const half*)blk);
    uchar16 q = vload16(0, blk + 2);
    float16 lo = convert_float16(convert_int16(q & (uchar)15) - 8);
    float16 hi = convert_float16(convert_int16(q >> (uchar)4) - 8);
    float16 x0 = vload16(0, x + b * 32);
    float16 x1 = vload16(0, x + b * 32 + 16);
    a += d * (lo * x0 + hi * x1);
  }
  float8 s8 = a.lo + a.hi; float4 s4 = s8.lo + s8.hi; float2 s2 = s4.lo + s4.hi;
  out[oo + r] = s2.x + s2.y;
}
