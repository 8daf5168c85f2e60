// timing probe (result not the product): one 4-byte float load of x per weight, the x half of the product's loads
__kernel void q8_0(__global const char* w, int wl, __global const float* x, int xl, __global float* out, int ol,
                   int rows, int cols, int outOffset, int accumulate, int format) {
    int r = get_global_id(0);
    if (r >= rows) return;
    float s = 0.0f;
    for (int i = 0; i < cols; i++) s += x[i];
    out[outOffset + r] = s + r;
}
