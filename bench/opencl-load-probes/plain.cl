// scalar: one work-item per row, byte loads, one float per block element
__kernel void q8_0(__global const char* w, int wl, __global const float* x, int xl, __global float* out, int ol,
                   int rows, int cols, int outOffset, int accumulate, int format) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int blocks = cols / 32;
    __global const char* row = w + (long)r * blocks * 34;
    float acc = 0.0f;
    for (int b = 0; b < blocks; b++) {
        __global const char* blk = row + b * 34;
        float d = vload_half(0, (__global const half*)blk);
        float s = 0.0f;
        for (int k = 0; k < 32; k++) s += blk[2 + k] * x[b * 32 + k];
        acc += d * s;
    }
    out[outOffset + r] = acc;
}
