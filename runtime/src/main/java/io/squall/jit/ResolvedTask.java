package io.squall.jit;

import java.lang.reflect.Method;

/** The static method behind a task lambda or method reference, and the values the lambda captured (usually none). */
public record ResolvedTask(Method method, Object[] capturedArgs) {}
