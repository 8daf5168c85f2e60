package io.squall.jit.frontend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Locals and operand stack during abstract interpretation; wide values take one stack entry and two local slots. */
final class FrameState {
    final Slot[] locals;
    final List<Slot> stack;

    FrameState(int maxLocals) {
        this(new Slot[maxLocals], new ArrayList<>());
    }

    private FrameState(Slot[] locals, List<Slot> stack) {
        this.locals = locals;
        this.stack = stack;
    }

    FrameState copy() {
        return new FrameState(Arrays.copyOf(locals, locals.length), new ArrayList<>(stack));
    }

    void push(Slot s) {
        stack.add(s);
    }

    Slot pop() {
        return stack.removeLast();
    }

    Slot peek() {
        return stack.getLast();
    }

    /** Replaces every occurrence of {@code from} (by identity) in locals and stack. */
    void replace(Slot from, Slot to) {
        for (int i = 0; i < locals.length; i++) {
            if (locals[i] == from) {
                locals[i] = to;
            }
        }
        stack.replaceAll(s -> s == from ? to : s);
    }
}
