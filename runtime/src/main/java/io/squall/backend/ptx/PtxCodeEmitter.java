package io.squall.backend.ptx;

import io.squall.backend.CodeEmitter;
import io.squall.backend.ptx.codegen.PtxEmitter;
import io.squall.backend.ptx.codegen.PtxTarget;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;

import java.nio.charset.StandardCharsets;

/** {@code squall.emit=ptx} ({@code tornado --emit ptx --target sm_90}): PTX for the target, default sm_80; no GPU needed. */
public final class PtxCodeEmitter implements CodeEmitter {
    @Override
    public String name() {
        return "ptx";
    }

    @Override
    public String fileExtension() {
        return "ptx";
    }

    @Override
    public byte[] emit(Kernel kernel, CompileOptions options, String target) {
        return PtxEmitter.emit(kernel, PtxTarget.parse(target)).getBytes(StandardCharsets.UTF_8);
    }
}
