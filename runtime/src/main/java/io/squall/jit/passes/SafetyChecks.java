package io.squall.jit.passes;

import io.squall.jit.CheckSite;
import io.squall.jit.CompileOptions.AccessChecks;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.AddressSpace;
import io.squall.jit.ir.Block;
import io.squall.jit.ir.Constant;
import io.squall.jit.ir.Function;
import io.squall.jit.ir.Instruction;
import io.squall.jit.ir.Instruction.AtomicOperator;
import io.squall.jit.ir.Instruction.AtomicRMW;
import io.squall.jit.ir.Instruction.Binary;
import io.squall.jit.ir.Instruction.BinaryOperator;
import io.squall.jit.ir.Instruction.ConversionKind;
import io.squall.jit.ir.Instruction.Load;
import io.squall.jit.ir.Instruction.LoadBytes;
import io.squall.jit.ir.Instruction.LocalArray;
import io.squall.jit.ir.Instruction.Predicate;
import io.squall.jit.ir.Instruction.Select;
import io.squall.jit.ir.Instruction.Store;
import io.squall.jit.ir.Instruction.VectorLoad;
import io.squall.jit.ir.IrBuilder;
import io.squall.jit.ir.Parameter;
import io.squall.jit.ir.Phi;
import io.squall.jit.ir.PointerType;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.SourceLocation;
import io.squall.jit.ir.Temp;
import io.squall.jit.ir.Terminator;
import io.squall.jit.ir.Value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes integer division total and, per {@link AccessChecks}, array accesses safe; runs first, while the frontend's
 * source locations still name the instructions.
 *
 * <p>Division (every mode): {@code x / d} becomes {@code bad = ((d + 1) >>> 1) == 0} (d is 0 or -1),
 * {@code q = x / (bad ? 1 : d)}, {@code bad ? x * d : q}, which is Java's result for -1 (MIN_VALUE / -1 == MIN_VALUE)
 * and 0 for a zero divisor; {@code x % d} becomes {@code x % (bad ? 1 : d)}: 0 for -1 (Java) and for 0. No device then
 * executes a trapping division (x86 traps on both, which would raise SIGFPE inside the JVM).
 *
 * <p>Accesses (GUARD, REPORT): a Load of a global or local array reads index {@code inRange ? i : 0} and gives 0 when out of
 * range (buffers are never empty: devices allocate at least one element); a Store or AtomicRMW runs only when in range.
 * {@code inRange} is one unsigned comparison, {@code zext64(i) < zext64(length)}, so negative indices fail too.
 *
 * <p>REPORT also records the first failure of a launch (and a count) in a hidden error buffer; see {@link CheckSite}.
 */
public final class SafetyChecks {
    private final Function f;
    private final Kernel kernel;
    private final AccessChecks mode;
    private final Map<Temp, Value> lengths = new IdentityHashMap<>();
    private final Map<Temp, String> arrayNames = new IdentityHashMap<>();
    private final List<CheckSite> sites = new ArrayList<>();
    private final IrBuilder b;
    private Temp errors;

    private SafetyChecks(Kernel kernel, AccessChecks mode) {
        this.kernel = kernel;
        this.f = kernel.ir();
        this.mode = mode;
        this.b = new IrBuilder(f);
        List<Parameter> ps = f.parameters();
        for (int i = 0; i < kernel.params().size(); i++) {
            KernelParam p = kernel.params().get(i);
            if (p.kind() == KernelParam.Kind.BUFFER
                    && i + 1 < ps.size()
                    && kernel.params().get(i + 1).kind() == KernelParam.Kind.LENGTH) {
                lengths.put(ps.get(i).value(), ps.get(i + 1).value());
                arrayNames.put(ps.get(i).value(), "array " + ps.get(i).name());
            }
        }
        for (Block block : f.blocks()) {
            for (Instruction i : block.instructions()) {
                if (i instanceof LocalArray a) {
                    lengths.put(a.result(), Constant.ofInt(a.length()));
                    arrayNames.put(a.result(), "local array of " + a.length() + " elements");
                }
            }
        }
        mergedArrayLengths();
    }

    /**
     * An array chosen by path ({@code b = cond ? arrayA : arrayB}) is a phi of pointers: its length is the phi of their
     * lengths (one constant when they agree), so its accesses are checked too. Repeated for phis of such phis.
     */
    private void mergedArrayLengths() {
        for (boolean changed = true; changed; ) {
            changed = false;
            for (Block block : f.blocks()) {
                List<Phi> added = new ArrayList<>();
                for (Phi phi : block.phis()) {
                    if (!(phi.result().type() instanceof PointerType) || lengths.containsKey(phi.result())) {
                        continue;
                    }
                    List<Value> incoming = new ArrayList<>();
                    for (Phi.Incoming in : phi.incoming()) {
                        Value length = in.value() instanceof Temp t ? lengths.get(t) : null;
                        if (length == null) {
                            incoming = null;
                            break;
                        }
                        incoming.add(length);
                    }
                    if (incoming == null) {
                        continue;
                    }
                    Value length;
                    if (incoming.stream().distinct().count() == 1) {
                        length = incoming.getFirst();
                    } else {
                        Phi lengthPhi = new Phi(f.newTemp(ScalarType.I32));
                        for (int k = 0; k < incoming.size(); k++) {
                            lengthPhi.addIncoming(phi.incoming().get(k).from(), incoming.get(k));
                        }
                        added.add(lengthPhi);
                        length = lengthPhi.result();
                    }
                    lengths.put(phi.result(), length);
                    arrayNames.put(phi.result(), "array chosen by path");
                    changed = true;
                }
                block.phis().addAll(added);
            }
        }
    }

    /** Rewrites the kernel's IR; with REPORT, adds the error-buffer parameter and the check sites to the kernel. */
    public static void run(Kernel kernel, AccessChecks mode) {
        new SafetyChecks(kernel, mode).run();
    }

    private void run() {
        if (mode == AccessChecks.REPORT) {
            errors = f.addParameter(new PointerType(ScalarType.I32, AddressSpace.GLOBAL), "squall_errors");
        }
        Set<Instruction> original = Collections.newSetFromMap(new IdentityHashMap<>());
        f.blocks().forEach(block -> original.addAll(block.instructions()));
        for (int bi = 0; bi < f.blocks().size(); bi++) {
            Block block = f.blocks().get(bi);
            List<Instruction> list = block.instructions();
            for (int i = 0; i < list.size(); i++) {
                Instruction ins = list.get(i);
                if (!original.remove(ins)) {
                    continue;
                }
                if (ins instanceof Binary d
                        && (d.op() == BinaryOperator.DIV || d.op() == BinaryOperator.REM)
                        && d.result().type() instanceof ScalarType t
                        && t.isInteger()) {
                    if (mode == AccessChecks.REPORT && mayBeZero(d.right())) {
                        Block rest = split(block, i);
                        b.setBlock(block);
                        Value zero = b.compare(Predicate.EQ, false, d.right(), Constant.zero((ScalarType)
                                d.right().type()));
                        Block report = report(
                                site(
                                        CheckSite.Kind.DIVISION_BY_ZERO,
                                        ins,
                                        d.op() == BinaryOperator.DIV ? "division" : "remainder"),
                                Constant.ofInt(0),
                                Constant.ofInt(0),
                                rest);
                        b.setBlock(block);
                        b.branch(zero, report, rest);
                        rest.instructions().add(0, d);
                        replace(rest, 0, () -> safeDivision(d));
                        break; // the rest of the block is scanned as the later block it now is
                    }
                    i = replace(block, i, () -> safeDivision(d));
                } else if (mode != AccessChecks.NONE && accessOf(ins) != null) {
                    i = guard(block, i, ins);
                    if (i < 0) {
                        break; // the block was split: what followed the access is in a later block
                    }
                }
            }
        }
        if (mode == AccessChecks.REPORT) {
            kernel.addChecks(new KernelParam(KernelParam.Kind.ERROR_BUFFER, -1, errors.type()), sites);
        }
    }

    private static boolean mayBeZero(Value v) {
        return !(v instanceof Constant c) || c.bits() == 0;
    }

    private record Access(Value base, Value index) {}

    private Access accessOf(Instruction ins) {
        Access a = switch (ins) {
            case Load l -> new Access(l.base(), l.index());
            case Store s -> new Access(s.base(), s.index());
            case AtomicRMW r -> new Access(r.base(), r.index());
            case LoadBytes l -> new Access(l.base(), l.byteOffset());
            case VectorLoad v -> new Access(v.base(), v.index());
            default -> null;
        };
        return a != null && a.base() instanceof Temp t && lengths.containsKey(t) ? a : null;
    }

    /** Guards the access at {@code list[i]}; returns the index to continue from in {@code block}, or -1 after a split. */
    private int guard(Block block, int i, Instruction ins) {
        Access a = accessOf(ins);
        Value length = lengths.get((Temp) a.base());
        if (a.index() instanceof Constant c
                && length instanceof Constant n
                && c.longValue() >= 0
                && c.longValue() < n.longValue()) {
            return i; // a constant index into a local array of known size
        }
        if (ins instanceof Load l && mode == AccessChecks.GUARD) {
            return replace(block, i, () -> {
                Value ok = inRange(l.index(), length);
                Temp v = f.newTemp(l.result().type());
                Instruction load = new Load(v, l.base(), b.select(ok, l.index(), Constant.ofInt(0)));
                appendLocated(load, ins);
                Value zero = Constant.zero((ScalarType) l.result().type());
                appendLocated(new Select(l.result(), ok, v, zero), ins);
            });
        }
        Block rest = split(block, i);
        b.setBlock(block);
        Value ok = switch (ins) {
            case LoadBytes wide -> wideInRange(wide, length);
            case VectorLoad v -> lanesInRange(v.index(), v.type().lanes(), length);
            default -> inRange(a.index(), length);
        };
        Block report = mode == AccessChecks.REPORT
                ? report(site(CheckSite.Kind.INDEX, ins, arrayNames.get((Temp) a.base())), a.index(), length, rest)
                : rest;
        b.setBlock(block);
        if (ins instanceof Load l) { // REPORT: the load itself runs on both paths, at a safe index
            b.branch(ok, rest, report);
            List<Instruction> safe = new ArrayList<>();
            Temp v = f.newTemp(l.result().type());
            safe.add(new Select(f.newTemp(ScalarType.I32), ok, l.index(), Constant.ofInt(0)));
            safe.add(new Load(v, l.base(), safe.getFirst().result()));
            safe.add(new Select(
                    l.result(), ok, v, Constant.zero((ScalarType) l.result().type())));
            safe.forEach(s -> f.locate(s, f.location(ins)));
            rest.instructions().addAll(0, safe);
        } else {
            Block access = f.newBlockAfter(block);
            Value zeroVector = // what a skipped vector load gives, made before the branch so that it reaches rest
                    ins instanceof VectorLoad v
                            ? b.vectorBroadcast(v.type(), Constant.zero(v.type().element()))
                            : null;
            b.branch(ok, access, report);
            access.setTerminator(new Terminator.Jump(rest));
            if (ins instanceof AtomicRMW r
                    && r.result() != null) { // the old value reaches rest through a phi: 0 when skipped
                Temp old = f.newTemp(r.result().type());
                access.instructions().add(new AtomicRMW(old, r.op(), r.base(), r.index(), r.value()));
                Phi merged = new Phi(r.result());
                for (Block pred : f.predecessors().get(rest)) {
                    merged.addIncoming(pred, pred == access ? old : Constant.zero((ScalarType) old.type()));
                }
                rest.phis().add(merged);
            } else if (ins
                    instanceof LoadBytes l) { // a wide load runs only in range (it reads several bytes): 0 when skipped
                Temp loaded = f.newTemp(l.result().type());
                access.instructions().add(new LoadBytes(loaded, l.base(), l.byteOffset()));
                Phi merged = new Phi(l.result());
                for (Block pred : f.predecessors().get(rest)) {
                    merged.addIncoming(pred, pred == access ? loaded : Constant.zero(l.type()));
                }
                rest.phis().add(merged);
            } else if (ins instanceof VectorLoad v) { // as a wide load: the lanes read only in range, 0 when skipped
                Temp loaded = f.newTemp(v.type());
                access.instructions().add(new VectorLoad(loaded, v.kind(), v.base(), v.index()));
                Phi merged = new Phi(v.result());
                for (Block pred : f.predecessors().get(rest)) {
                    merged.addIncoming(pred, pred == access ? loaded : zeroVector);
                }
                rest.phis().add(merged);
            } else {
                access.instructions().add(ins);
            }
        }
        return -1;
    }

    private void appendLocated(Instruction ins, Instruction from) {
        b.block().instructions().add(ins);
        SourceLocation where = f.location(from);
        if (where != null) {
            f.locate(ins, where);
        }
    }

    /** i1: every byte of the wide load lies in the array (0 <= offset, offset + size <= length) and the offset is aligned. */
    private Value wideInRange(LoadBytes l, Value length) {
        long size = l.type().bytes();
        Value off64 = b.convert(ConversionKind.ZERO_EXTEND, l.byteOffset(), ScalarType.I64);
        Value last = b.binary(BinaryOperator.ADD, off64, Constant.ofLong(size - 1));
        Value fits =
                b.compare(Predicate.LT, false, last, b.convert(ConversionKind.ZERO_EXTEND, length, ScalarType.I64));
        Value misaligned = b.binary(BinaryOperator.AND, l.byteOffset(), Constant.ofInt((int) size - 1));
        Value aligned = b.compare(Predicate.EQ, false, misaligned, Constant.ofInt(0));
        return b.select(fits, aligned, fits);
    }

    /** i1: every lane of a vector load lies in the array (0 <= index, index + lanes <= length), in 64 bits. */
    private Value lanesInRange(Value index, int lanes, Value length) {
        Value index64 = b.convert(ConversionKind.ZERO_EXTEND, index, ScalarType.I64);
        Value last = b.binary(BinaryOperator.ADD, index64, Constant.ofLong(lanes - 1));
        return b.compare(Predicate.LT, false, last, b.convert(ConversionKind.ZERO_EXTEND, length, ScalarType.I64));
    }

    /** i1: 0 <= index < length, as one unsigned comparison in 64 bits. */
    private Value inRange(Value index, Value length) {
        if (index.type() != ScalarType.I32) {
            throw new IllegalStateException("kernel " + kernel.javaName() + ": array index of type " + index.type());
        }
        Value i64 = b.convert(ConversionKind.ZERO_EXTEND, index, ScalarType.I64);
        Value n64 = b.convert(ConversionKind.ZERO_EXTEND, length, ScalarType.I64);
        return b.compare(Predicate.LT, false, i64, n64);
    }

    /** The safe form of an integer DIV or REM (see the class comment), defining the same result temp. */
    private void safeDivision(Binary d) {
        ScalarType t = (ScalarType) d.result().type();
        if (d.right() instanceof Constant c && c.longValue() != 0 && c.longValue() != -1) {
            b.block().instructions().add(d);
            return;
        }
        Value plusOne = b.binary(BinaryOperator.ADD, d.right(), Constant.ofInteger(t, 1));
        Value bad = b.compare(
                Predicate.EQ, false, b.binary(BinaryOperator.USHR, plusOne, Constant.ofInt(1)), Constant.zero(t));
        Value divisor = b.select(bad, Constant.ofInteger(t, 1), d.right());
        if (d.op() == BinaryOperator.REM) {
            b.block().instructions().add(new Binary(d.result(), BinaryOperator.REM, d.left(), divisor));
            return;
        }
        Value quotient = b.binary(BinaryOperator.DIV, d.left(), divisor);
        Value product = b.binary(BinaryOperator.MUL, d.left(), d.right());
        b.block().instructions().add(new Select(d.result(), bad, product, quotient));
    }

    /** Replaces {@code block[i]} by what {@code emit} appends; returns the index of the last replacement instruction. */
    private int replace(Block block, int i, Runnable emit) {
        Block scratch = new Block(-1);
        b.setBlock(scratch);
        emit.run();
        List<Instruction> list = block.instructions();
        list.remove(i);
        list.addAll(i, scratch.instructions());
        return i + scratch.instructions().size() - 1;
    }

    /**
     * Splits {@code block} before instruction {@code i}: the instructions after it and the terminator move to a new block
     * placed after {@code block} (successors' phis now come from it); the instruction itself is removed. Returns the new block.
     */
    private Block split(Block block, int i) {
        Block rest = f.newBlockAfter(block);
        List<Instruction> list = block.instructions();
        List<Instruction> tail = new ArrayList<>(list.subList(i + 1, list.size()));
        list.subList(i, list.size()).clear();
        rest.instructions().addAll(tail);
        rest.setTerminator(block.terminator());
        block.setTerminator(null);
        for (Block s : rest.terminator().successors()) {
            for (Phi p : s.phis()) {
                p.incoming().replaceAll(in -> in.from() == block ? new Phi.Incoming(rest, in.value()) : in);
            }
        }
        return rest;
    }

    private int site(CheckSite.Kind kind, Instruction at, String what) {
        SourceLocation where = f.location(at);
        sites.add(new CheckSite(kind, where != null ? where : new SourceLocation(null, -1), what));
        return sites.size() - 1;
    }

    /**
     * Blocks that count a failure and, for the first one, record site, index and length, then continue at {@code next};
     * returns the first of them (placed before {@code next}).
     */
    private Block report(int site, Value index, Value length, Block next) {
        Block count = f.newBlockAfter(previousOf(next));
        Block record = f.newBlockAfter(count);
        b.setBlock(count);
        Value before = b.atomic(AtomicOperator.ADD, errors, Constant.ofInt(0), Constant.ofInt(1));
        b.branch(b.compare(Predicate.EQ, false, before, Constant.ofInt(0)), record, next);
        b.setBlock(record);
        b.store(errors, Constant.ofInt(1), Constant.ofInt(site));
        b.store(errors, Constant.ofInt(2), index);
        b.store(errors, Constant.ofInt(3), length);
        b.jump(next);
        return count;
    }

    private Block previousOf(Block block) {
        int at = f.blocks().indexOf(block);
        return f.blocks().get(at - 1);
    }
}
