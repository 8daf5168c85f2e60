/**
 * TornadoVM's exception classes, thrown by the runtime with messages that name the task, kernel or device. Uses
 * nothing.
 */
package io.squall.api.exceptions;
