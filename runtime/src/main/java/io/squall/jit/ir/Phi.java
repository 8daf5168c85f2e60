package io.squall.jit.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** An SSA merge at the top of a block: one incoming value per predecessor edge. */
public final class Phi {
    public record Incoming(Block from, Value value) {}

    private final Temp result;
    private final List<Incoming> incoming = new ArrayList<>();

    public Phi(Temp result) {
        this.result = result;
    }

    public Temp result() {
        return result;
    }

    public List<Incoming> incoming() {
        return incoming;
    }

    public void addIncoming(Block from, Value value) {
        incoming.add(new Incoming(from, value));
    }

    public Value valueFrom(Block from) {
        for (Incoming in : incoming) {
            if (in.from() == from) {
                return in.value();
            }
        }
        throw new IllegalStateException("phi " + result + " has no value from " + from.label());
    }

    public void mapOperands(UnaryOperator<Value> f) {
        incoming.replaceAll(in -> new Incoming(in.from(), f.apply(in.value())));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(result + " = phi " + result.type());
        for (Incoming in : incoming) {
            sb.append(" [")
                    .append(in.from().label())
                    .append(": ")
                    .append(in.value())
                    .append(']');
        }
        return sb.toString();
    }
}
