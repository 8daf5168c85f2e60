package io.squall.jit.ir;

/** A value defined exactly once, by a parameter, a phi or an instruction. */
public record Temp(int id, Type type) implements Value {
    @Override
    public String toString() {
        return "%" + id;
    }
}
