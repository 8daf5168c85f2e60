/** IR to OpenCL C: labels and goto, phis as variables assigned on edges, helpers emitted on demand. Uses {@code jit}
 * and {@code jit.ir}.
 */
package io.squall.backend.opencl.codegen;
