/**
 * {@code @Parallel} (a loop whose iterations run as work-items) and {@code @Reduce} (a reduction result), as in
 * tornado-api. Uses nothing.
 */
package io.squall.api.annotations;
