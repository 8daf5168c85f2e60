package io.squall.exec.device.ptx;

import io.squall.exec.emit.CodeEmitter;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.ptx.PtxEmitter;
import io.squall.jit.ptx.PtxTarget;

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
