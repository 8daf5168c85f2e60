// Q8_0 as the JIT writes MatVecRows today: 16 lane sums in a private array, scalar loads (PoCL vectorizes the lane loop)
__kernel void q8_0(__global char* w, int wl, __global float* x, int xl, __global float* out, int ol, int rows, int cols, int oo, int acc, int format) {
  int r = get_global_id(0);
  if (r >= rows) return;
  int blocks = cols / 32;
  int base = r * blocks * 34;
  float lanes[16];
  for (int j = 0; j < 16; j++) lanes[j] = 0.0f;
  for (int b = 0; b < blocks; b++) {
    int block = base + b * 34;
    float d = vload_half(0, (__global const half*)(w + block));
    for (int k = 0; k < 16; k++) {
      lanes[k] += d * (w[block + 2 + k] * x[b * 32 + k] + w[block + 18 + k] * x[b * 32 + 16 + k]);
    }
  }
  float s = 0.0f;
  for (int j = 0; j < 16; j++) s += lanes[j];
  out[oo + r] = s;
}
