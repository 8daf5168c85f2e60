// Q8_0 with OpenCL vector types: one float16 accumulator, vload16 of quants and x (explicit 512-bit vectors)
__kernel void q8_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  __global const char* row = w + (size_t)r * blocks * 34;
  float16 a = (float16)(0.0f);
  for (int b = 0; b < blocks; b++) {
    __global const char* blk = row + b * 34;
    float d = vload_half(0, (__global const half*)blk);
    a += d * (convert_float16(vload16(0, blk + 2)) * vload16(0, x + b * 32) + convert_float16(vload16(0, blk + 18)) * vload16(0, x + b * 32 + 16));
  }
  float8 s8 = a.lo + a.hi; float4 s4 = s8.lo + s8.hi; float2 s2 = s4.lo + s4.hi;
  out[oo + r] = s2.x + s2.y;
}
