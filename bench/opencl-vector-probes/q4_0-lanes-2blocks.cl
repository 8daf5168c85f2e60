// scalar form, 16 lanes, two blocks per step into two lane arrays
__kernel void q4_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  int base = r * blocks * 18;
  float lanes[32];
  for (int j = 0; j < 32; j++) lanes[j] = 0.0f;
  for (int b = 0; b < blocks; b += 2) {
    int block = base + b * 18;
    float d = vload_half(0, (__global const half*)(w + block));
    float d1 = vload_half(0, (__global const half*)(w + block + 18));
    for (int k = 0; k < 16; k++) {
      int p = w[block + 2 + k] & 255;
      int p1 = w[block + 20 + k] & 255;
      lanes[k] += d * (((p & 15) - 8) * x[b * 32 + k] + ((p >> 4) - 8) * x[b * 32 + 16 + k]);
      lanes[16 + k] += d1 * (((p1 & 15) - 8) * x[b * 32 + 32 + k] + ((p1 >> 4) - 8) * x[b * 32 + 48 + k]);
    }
  }
  float s = 0.0f;
  for (int j = 0; j < 32; j++) s += lanes[j];
  out[oo + r] = s;
}
