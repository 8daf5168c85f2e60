package io.squall.jit.frontend;

import java.lang.classfile.instruction.StackInstruction;
import java.util.List;

/** The JVM's untyped stack shuffles (pop, dup*, swap), where long and double count as two words but are one entry here. */
final class OperandStack {
    private OperandStack() {}

    static void apply(FrameState state, StackInstruction st, MethodParser p) {
        List<FrameValue> s = state.stack;
        switch (st.opcode()) {
            case POP -> state.pop();
            case POP2 -> {
                if (!FrameValue.isWide(state.pop())) {
                    state.pop();
                }
            }
            case DUP -> state.push(state.peek());
            case DUP_X1 -> {
                FrameValue v1 = state.pop();
                FrameValue v2 = state.pop();
                state.push(v1);
                state.push(v2);
                state.push(v1);
            }
            case DUP_X2 -> {
                FrameValue v1 = state.pop();
                FrameValue v2 = state.pop();
                if (FrameValue.isWide(v2)) {
                    state.push(v1);
                    state.push(v2);
                } else {
                    FrameValue v3 = state.pop();
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                }
                state.push(v1);
            }
            case DUP2 -> {
                if (FrameValue.isWide(state.peek())) {
                    state.push(state.peek());
                } else {
                    FrameValue v1 = s.get(s.size() - 1);
                    FrameValue v2 = s.get(s.size() - 2);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case DUP2_X1 -> {
                FrameValue v1 = state.pop();
                if (FrameValue.isWide(v1)) {
                    FrameValue v2 = state.pop();
                    state.push(v1);
                    state.push(v2);
                    state.push(v1);
                } else {
                    FrameValue v2 = state.pop();
                    FrameValue v3 = state.pop();
                    state.push(v2);
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case DUP2_X2 -> {
                FrameValue v1 = state.pop();
                if (!FrameValue.isWide(v1)) {
                    throw p.error("the dup2_x2 form with narrow values");
                }
                FrameValue v2 = state.pop();
                if (FrameValue.isWide(v2)) {
                    state.push(v1);
                    state.push(v2);
                    state.push(v1);
                } else {
                    FrameValue v3 = state.pop();
                    state.push(v1);
                    state.push(v3);
                    state.push(v2);
                    state.push(v1);
                }
            }
            case SWAP -> {
                FrameValue v1 = state.pop();
                FrameValue v2 = state.pop();
                state.push(v1);
                state.push(v2);
            }
            default -> throw p.error("the stack instruction " + st.opcode());
        }
    }
}
