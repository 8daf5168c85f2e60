/** TornadoVM's matrix types: row-major views over off-heap arrays; task graphs transfer the array behind each. */
package io.squall.api.types.matrix;
