package io.squall.jit.ir;

import java.util.ArrayList;
import java.util.List;

/** A basic block: phis, straight-line instructions, one terminator. */
public final class Block {
    private final int id;
    private final List<Phi> phis = new ArrayList<>();
    private final List<Instruction> instructions = new ArrayList<>();
    private Terminator terminator;

    public Block(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public String label() {
        return "b" + id;
    }

    public List<Phi> phis() {
        return phis;
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public Terminator terminator() {
        return terminator;
    }

    public void setTerminator(Terminator terminator) {
        this.terminator = terminator;
    }

    public boolean isTerminated() {
        return terminator != null;
    }

    @Override
    public String toString() {
        return label();
    }
}
