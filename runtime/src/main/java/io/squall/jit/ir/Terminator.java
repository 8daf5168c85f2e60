package io.squall.jit.ir;

import java.util.List;
import java.util.function.UnaryOperator;

/** The last instruction of a block: where control goes next. */
public sealed interface Terminator {

    List<Block> successors();

    Terminator mapOperands(UnaryOperator<Value> f);

    record Jump(Block target) implements Terminator {
        public List<Block> successors() {
            return List.of(target);
        }

        public Terminator mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        public String toString() {
            return "jump " + target.label();
        }
    }

    record Branch(Value condition, Block ifTrue, Block ifFalse) implements Terminator {
        public List<Block> successors() {
            return List.of(ifTrue, ifFalse);
        }

        public Terminator mapOperands(UnaryOperator<Value> f) {
            return new Branch(f.apply(condition), ifTrue, ifFalse);
        }

        public String toString() {
            return "branch " + condition + ", " + ifTrue.label() + ", " + ifFalse.label();
        }
    }

    record Return() implements Terminator {
        public List<Block> successors() {
            return List.of();
        }

        public Terminator mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        public String toString() {
            return "return";
        }
    }
}
