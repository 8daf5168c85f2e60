/**
 * TornadoVM's runtime entry ({@code TornadoRuntimeProvider.getTornadoRuntime()}): the backends and devices of this
 * machine. Delegates to {@link io.squall.api.RuntimeService}; uses {@code api} and {@code api.common}.
 */
package io.squall.api.runtime;
