/** TornadoVM's matrix types: row-major views over off-heap arrays; task graphs transfer the array behind each.
 * Uses {@code api.types.arrays}, {@code api.types.vectors}, {@code api.types.collections}.
 */
package io.squall.api.types.matrix;
