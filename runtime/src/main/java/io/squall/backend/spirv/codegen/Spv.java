package io.squall.backend.spirv.codegen;

/** Numeric operands of the SPIR-V and OpenCL.std specifications that this backend uses. */
final class Spv {
    private Spv() {}

    static final int MAGIC = 0x07230203;
    static final int VERSION_1_0 = 0x00010000;
    /** Needed only by the GroupNonUniform shuffles. */
    static final int VERSION_1_3 = 0x00010300;

    // Capability
    static final int CAP_ADDRESSES = 4,
            CAP_KERNEL = 6,
            CAP_FLOAT16_BUFFER = 8,
            CAP_FLOAT64 = 10,
            CAP_INT64 = 11,
            CAP_INT64_ATOMICS = 12,
            CAP_GROUPS = 18,
            CAP_INT16 = 22,
            CAP_INT8 = 39,
            CAP_GROUP_NON_UNIFORM = 61,
            CAP_GROUP_NON_UNIFORM_SHUFFLE = 65;

    static final int ADDRESSING_PHYSICAL64 = 2;
    static final int MEMORY_MODEL_OPENCL = 2;
    static final int EXECUTION_MODEL_KERNEL = 6;
    static final int EXECUTION_MODE_LOCAL_SIZE = 17, EXECUTION_MODE_CONTRACTION_OFF = 31;
    static final int SOURCE_OPENCL_C = 3;

    // StorageClass
    static final int INPUT = 1, WORKGROUP = 4, CROSS_WORKGROUP = 5, FUNCTION = 7;

    // Decoration
    static final int DECORATION_BUILTIN = 11, DECORATION_CONSTANT = 22;

    // BuiltIn
    static final int NUM_WORKGROUPS = 24,
            WORKGROUP_SIZE = 25,
            WORKGROUP_ID = 26,
            LOCAL_INVOCATION_ID = 27,
            GLOBAL_INVOCATION_ID = 28,
            GLOBAL_SIZE = 31,
            SUBGROUP_SIZE = 36,
            SUBGROUP_LOCAL_INVOCATION_ID = 41;

    // Scope
    static final int SCOPE_DEVICE = 1, SCOPE_WORKGROUP = 2, SCOPE_SUBGROUP = 3;

    // MemorySemantics
    static final int SEQUENTIALLY_CONSISTENT = 0x10, WORKGROUP_MEMORY = 0x100, CROSS_WORKGROUP_MEMORY = 0x200;

    static final int MEMORY_ACCESS_ALIGNED = 0x2;
    static final int GROUP_OPERATION_REDUCE = 0;

    /** OpenCL.std extended instruction numbers. */
    enum OpenCLStd {
        atan(6),
        atan2(7),
        ceil(12),
        cos(14),
        exp(19),
        fabs(23),
        floor(25),
        fma(26),
        fmax(27),
        fmin(28),
        fmod(29),
        log(37),
        log2(38),
        pow(48),
        rsqrt(56),
        sin(57),
        sqrt(61),
        tan(62),
        tanh(63),
        sign(103),
        s_abs(141),
        s_max(156),
        s_min(158),
        vload_half(173),
        vstore_half(175);

        final int number;

        OpenCLStd(int number) {
            this.number = number;
        }

        static String nameOf(int number) {
            for (OpenCLStd f : values()) {
                if (f.number == number) {
                    return f.name();
                }
            }
            return Integer.toString(number);
        }
    }
}
