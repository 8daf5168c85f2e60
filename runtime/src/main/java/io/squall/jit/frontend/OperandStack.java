package io.squall.jit.frontend;

import java.lang.classfile.instruction.StackInstruction;
import java.util.List;

/** The JVM's untyped stack shuffles (pop, dup*, swap), where long and double count as two words but are one entry here. */
final class OperandStack {
    private OperandStack() {}

    static void apply(FrameState state, StackInstruction st, MethodParser p) {
        List<Slot> s = state.stack;
        switch (st.opcode()) {
            case POP -> state.pop();
            case POP2 -> {
                if (!Slot.isWide(state.pop())) {
                    state.pop();
                }
            }
            case DUP -> state.push(state.peek());
            case DUP_X1 -> {
                Slot v1 = state.pop();
                Slot v2 = state.pop();
                state.push(v1);
                state.push(v2);
                state.push(v1);
            }
            case DUP_X2 -> {
                Slot v1 = state.pop();
                Slot v2 = state.pop();
                if (Slot.isWide(v2)) {
                    state.push(v1);
                    state.push(v2);
                } else {
                    Slot v3 = state.pop();
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                }
                state.push(v1);
            }
            case DUP2 -> {
                if (Slot.isWide(state.peek())) {
                    state.push(state.peek());
                } else {
                    Slot v1 = s.get(s.size() - 1);
                    Slot v2 = s.get(s.size() - 2);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case DUP2_X1 -> {
                Slot v1 = state.pop();
                if (Slot.isWide(v1)) {
                    Slot v2 = state.pop();
                    state.push(v1);
                    state.push(v2);
                    state.push(v1);
                } else {
                    Slot v2 = state.pop();
                    Slot v3 = state.pop();
                    state.push(v2);
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case DUP2_X2 -> {
                Slot v1 = state.pop();
                if (!Slot.isWide(v1)) {
                    throw p.error("the dup2_x2 form with narrow values");
                }
                Slot v2 = state.pop();
                if (Slot.isWide(v2)) {
                    state.push(v1);
                    state.push(v2);
                    state.push(v1);
                } else {
                    Slot v3 = state.pop();
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case SWAP -> {
                Slot v1 = state.pop();
                Slot v2 = state.pop();
                state.push(v1);
                state.push(v2);
            }
            default -> throw p.error("the stack instruction " + st.opcode());
        }
    }
}
