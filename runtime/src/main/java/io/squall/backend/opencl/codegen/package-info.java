/** IR to OpenCL C: labels and goto, phis as variables assigned on edges, helpers emitted on demand. */
package io.squall.backend.opencl.codegen;
