/**
 * TornadoVM's enumerations: transfer modes, profiler modes, device types, backend types. Uses nothing.
 */
package io.squall.api.enums;
