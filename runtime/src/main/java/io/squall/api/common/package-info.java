/**
 * TornadoVM's device view ({@link io.squall.api.common.TornadoDevice}), the {@code Access} modes of prebuilt
 * tasks and the {@code TaskN} functional interfaces a task's method reference is given as. Uses {@code api.enums}.
 */
package io.squall.api.common;
