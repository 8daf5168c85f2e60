package io.squall.backend.jvm.driver;

import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds out whether a kernel, or any static method it calls (transitively), calls KernelContext.localBarrier or
 * globalBarrier, or a warp-collective operation (mma*, simd*): the work-items of such a kernel's groups must run
 * concurrently to meet.
 */
final class BarrierScanner {
    private static final String KERNEL_CONTEXT = "io/squall/api/KernelContext";

    /** KernelContext methods whose lanes exchange values through the work-group (their helpers call it inside). */
    private static final Set<String> WARP_COLLECTIVES = Set.of(
            "simdSum",
            "simdShuffleDown",
            "simdBroadcastFirst",
            "mma",
            "mmaBF16",
            "mmaInt8",
            "mmaFP8E4M3",
            "mmaFP8E5M2");

    private BarrierScanner() {}

    /** True when a barrier call is found, or when some reachable code cannot be read (assume the worst). */
    static boolean usesBarriers(Method method) {
        ClassLoader loader = method.getDeclaringClass().getClassLoader();
        Map<ClassDesc, Optional<ClassModel>> classes = new HashMap<>();
        return scan(
                loader,
                ClassDesc.of(method.getDeclaringClass().getName()),
                method.getName(),
                ClassFiles.descriptor(method).descriptorString(),
                classes,
                new HashSet<>());
    }

    private static boolean scan(
            ClassLoader loader,
            ClassDesc owner,
            String name,
            String descriptor,
            Map<ClassDesc, Optional<ClassModel>> classes,
            Set<String> visited) {
        if (!visited.add(owner.descriptorString() + "." + name + descriptor)) {
            return false;
        }
        Optional<ClassModel> model = classes.computeIfAbsent(owner, o -> ClassFiles.read(loader, o));
        if (model.isEmpty()) {
            return true;
        }
        MethodModel method = model.get().methods().stream()
                .filter(m -> m.methodName().equalsString(name) && m.methodType().equalsString(descriptor))
                .findFirst()
                .orElse(null);
        if (method == null || method.code().isEmpty()) {
            return true;
        }
        for (CodeElement e : method.code().get()) {
            if (e instanceof InvokeInstruction invoke) {
                String target = invoke.owner().asInternalName();
                String targetName = invoke.name().stringValue();
                if (target.equals(KERNEL_CONTEXT)
                        && (targetName.endsWith("Barrier") || WARP_COLLECTIVES.contains(targetName))) {
                    return true;
                }
                if (invoke.opcode() == Opcode.INVOKESTATIC
                        && !target.startsWith("java/")
                        && !target.startsWith("jdk/")
                        && !target.startsWith("io/squall/api/")
                        && scan(
                                loader,
                                invoke.owner().asSymbol(),
                                targetName,
                                invoke.type().stringValue(),
                                classes,
                                visited)) {
                    return true;
                }
            }
        }
        return false;
    }
}
