package io.squall.backend.ptx.driver;

/** Handwritten PTX used by the CUDA tests (checked with ptxas on machines without a GPU by {@link CudaBindingTest}). */
final class TestPtx {
    private TestPtx() {}

    /** vadd(a, b, c, n): c[i] = a[i] + b[i] for i < n; groupSum(in, partial): per-block sum in dynamic shared memory. */
    static final String KERNELS = """
            .version 7.0
            .target sm_80
            .address_size 64

            .visible .entry vadd(.param .u64 a, .param .u64 b, .param .u64 c, .param .u32 n)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .f32 %f<4>;
                .reg .b64 %rd<11>;

                ld.param.u64 %rd1, [a];
                ld.param.u64 %rd2, [b];
                ld.param.u64 %rd3, [c];
                ld.param.u32 %r1, [n];
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r2, %r3, %r4;
                setp.ge.s32 %p1, %r5, %r1;
                @%p1 bra DONE;
                cvta.to.global.u64 %rd4, %rd1;
                cvta.to.global.u64 %rd5, %rd2;
                cvta.to.global.u64 %rd6, %rd3;
                mul.wide.s32 %rd7, %r5, 4;
                add.s64 %rd8, %rd4, %rd7;
                add.s64 %rd9, %rd5, %rd7;
                add.s64 %rd10, %rd6, %rd7;
                ld.global.f32 %f1, [%rd8];
                ld.global.f32 %f2, [%rd9];
                add.rn.f32 %f3, %f1, %f2;
                st.global.f32 [%rd10], %f3;
            DONE:
                ret;
            }

            .extern .shared .align 4 .b8 scratch[];

            .visible .entry groupSum(.param .u64 in, .param .u64 partial)
            {
                .reg .pred %p<3>;
                .reg .b32 %r<12>;
                .reg .b64 %rd<7>;

                ld.param.u64 %rd1, [in];
                ld.param.u64 %rd2, [partial];
                cvta.to.global.u64 %rd1, %rd1;
                cvta.to.global.u64 %rd2, %rd2;
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ctaid.x;
                mov.u32 %r3, %ntid.x;
                mad.lo.s32 %r4, %r2, %r3, %r1;
                mul.wide.s32 %rd3, %r4, 4;
                add.s64 %rd4, %rd1, %rd3;
                ld.global.u32 %r5, [%rd4];
                mov.u32 %r6, scratch;
                shl.b32 %r7, %r1, 2;
                add.s32 %r8, %r6, %r7;
                st.shared.u32 [%r8], %r5;
                bar.sync 0;
                shr.u32 %r9, %r3, 1;
            LOOP:
                setp.eq.u32 %p1, %r9, 0;
                @%p1 bra END;
                setp.ge.u32 %p2, %r1, %r9;
                @%p2 bra SKIP;
                shl.b32 %r10, %r9, 2;
                add.s32 %r10, %r8, %r10;
                ld.shared.u32 %r11, [%r10];
                ld.shared.u32 %r5, [%r8];
                add.s32 %r5, %r5, %r11;
                st.shared.u32 [%r8], %r5;
            SKIP:
                bar.sync 0;
                shr.u32 %r9, %r9, 1;
                bra LOOP;
            END:
                setp.ne.u32 %p1, %r1, 0;
                @%p1 bra DONE;
                ld.shared.u32 %r5, [%r6];
                mul.wide.u32 %rd5, %r2, 4;
                add.s64 %rd6, %rd2, %rd5;
                st.global.u32 [%rd6], %r5;
            DONE:
                ret;
            }
            """;

    /** Line 9 uses an undeclared register: the JIT log must name that line. */
    static final String BROKEN = """
            .version 7.0
            .target sm_80
            .address_size 64

            .visible .entry broken(.param .u64 out)
            {
                .reg .b64 %rd<2>;
                ld.param.u64 %rd1, [out];
                st.global.u32 [%rd1], %undeclared;
                ret;
            }
            """;
}
