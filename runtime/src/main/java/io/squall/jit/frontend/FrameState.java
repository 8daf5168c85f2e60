package io.squall.jit.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Locals and operand stack during abstract interpretation; wide values take one stack entry and two local slots. */
final class FrameState {
    final FrameValue[] locals;
    final List<FrameValue> stack;

    FrameState(int maxLocals) {
        this(new FrameValue[maxLocals], new ArrayList<>());
    }

    private FrameState(FrameValue[] locals, List<FrameValue> stack) {
        this.locals = locals;
        this.stack = stack;
    }

    FrameState copy() {
        return new FrameState(Arrays.copyOf(locals, locals.length), new ArrayList<>(stack));
    }

    void push(FrameValue s) {
        stack.add(s);
    }

    FrameValue pop() {
        return stack.removeLast();
    }

    FrameValue peek() {
        return stack.getLast();
    }

    /** Replaces every occurrence of {@code from} (by identity) in locals and stack. */
    void replace(FrameValue from, FrameValue to) {
        for (int i = 0; i < locals.length; i++) {
            if (locals[i] == from) {
                locals[i] = to;
            }
        }
        stack.replaceAll(s -> s == from ? to : s);
    }
}
