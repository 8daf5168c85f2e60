/**
 * Small programs in the TornadoVM programming model ({@code scripts/tornado io.squall.examples.Saxpy}): vector add,
 * saxpy, a loop and a tiled matrix product, a reduction. Each checks its result against plain Java. Uses
 * {@code api}; {@code plan} for
 * the profile it reports.
 */
package io.squall.examples;
