package io.squall.backend.spirv.codegen;

import java.util.HashMap;
import java.util.Map;

/**
 * The SPIR-V opcodes this backend emits, with their encoding shape: whether the instruction has a result type and a
 * result id (the shape the disassembler needs). Names are the spec's without the {@code Op} prefix.
 */
enum Op {
    Source(3, false, false),
    Name(5, false, false),
    ExtInstImport(11, false, true),
    ExtInst(12, true, true),
    MemoryModel(14, false, false),
    EntryPoint(15, false, false),
    ExecutionMode(16, false, false),
    Capability(17, false, false),
    TypeVoid(19, false, true),
    TypeBool(20, false, true),
    TypeInt(21, false, true),
    TypeFloat(22, false, true),
    TypeVector(23, false, true),
    TypeArray(28, false, true),
    TypePointer(32, false, true),
    TypeFunction(33, false, true),
    ConstantTrue(41, true, true),
    ConstantFalse(42, true, true),
    Constant(43, true, true),
    ConstantNull(46, true, true),
    Function(54, true, true),
    FunctionParameter(55, true, true),
    FunctionEnd(56, false, false),
    Variable(59, true, true),
    Load(61, true, true),
    Store(62, false, false),
    InBoundsAccessChain(66, true, true),
    InBoundsPtrAccessChain(70, true, true),
    Decorate(71, false, false),
    CompositeExtract(81, true, true),
    CopyObject(83, true, true),
    ConvertFToS(110, true, true),
    ConvertSToF(111, true, true),
    UConvert(113, true, true),
    SConvert(114, true, true),
    FConvert(115, true, true),
    Bitcast(124, true, true),
    SNegate(126, true, true),
    FNegate(127, true, true),
    IAdd(128, true, true),
    FAdd(129, true, true),
    ISub(130, true, true),
    FSub(131, true, true),
    IMul(132, true, true),
    FMul(133, true, true),
    SDiv(135, true, true),
    FDiv(136, true, true),
    SRem(138, true, true),
    IsNan(156, true, true),
    LogicalEqual(164, true, true),
    LogicalNotEqual(165, true, true),
    LogicalOr(166, true, true),
    LogicalAnd(167, true, true),
    LogicalNot(168, true, true),
    Select(169, true, true),
    IEqual(170, true, true),
    INotEqual(171, true, true),
    SGreaterThan(173, true, true),
    SGreaterThanEqual(175, true, true),
    SLessThan(177, true, true),
    SLessThanEqual(179, true, true),
    FOrdEqual(180, true, true),
    FUnordEqual(181, true, true),
    FOrdNotEqual(182, true, true),
    FUnordNotEqual(183, true, true),
    FOrdLessThan(184, true, true),
    FUnordLessThan(185, true, true),
    FOrdGreaterThan(186, true, true),
    FUnordGreaterThan(187, true, true),
    FOrdLessThanEqual(188, true, true),
    FUnordLessThanEqual(189, true, true),
    FOrdGreaterThanEqual(190, true, true),
    FUnordGreaterThanEqual(191, true, true),
    ShiftRightLogical(194, true, true),
    ShiftRightArithmetic(195, true, true),
    ShiftLeftLogical(196, true, true),
    BitwiseOr(197, true, true),
    BitwiseXor(198, true, true),
    BitwiseAnd(199, true, true),
    Not(200, true, true),
    ControlBarrier(224, false, false),
    AtomicExchange(229, true, true),
    AtomicCompareExchange(230, true, true),
    AtomicIAdd(234, true, true),
    AtomicSMin(236, true, true),
    AtomicSMax(238, true, true),
    Phi(245, true, true),
    Label(248, false, true),
    Branch(249, false, false),
    BranchConditional(250, false, false),
    Return(253, false, false),
    GroupBroadcast(263, true, true),
    GroupIAdd(264, true, true),
    GroupFAdd(265, true, true),
    GroupFMin(266, true, true),
    GroupSMin(268, true, true),
    GroupFMax(269, true, true),
    GroupSMax(271, true, true),
    GroupNonUniformShuffle(345, true, true),
    GroupNonUniformShuffleXor(346, true, true);

    final int code;
    final boolean hasType;
    final boolean hasResult;

    Op(int code, boolean hasType, boolean hasResult) {
        this.code = code;
        this.hasType = hasType;
        this.hasResult = hasResult;
    }

    private static final Map<Integer, Op> BY_CODE = new HashMap<>();

    static {
        for (Op op : values()) {
            BY_CODE.put(op.code, op);
        }
    }

    /** The opcode with this number, or null when this backend never emits it. */
    static Op of(int code) {
        return BY_CODE.get(code);
    }
}
