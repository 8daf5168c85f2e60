/**
 * The JVM backend's side of the device SPI: one {@code jvm} device that runs kernels through {@code driver.jvm}.
 */
package io.squall.backend.jvm;
