package io.squall.backend.jvm.driver;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Method;
import java.util.Optional;

/** Reads the class-file model of a loaded class, to inspect a kernel's bytecode. */
final class ClassFiles {
    private ClassFiles() {}

    /** The parsed class file of {@code type}, or empty when its bytes are not reachable as a resource (hidden or generated classes). */
    static Optional<ClassModel> read(Class<?> type) {
        return read(type.getClassLoader(), ClassDesc.of(type.getName()));
    }

    static Optional<ClassModel> read(ClassLoader loader, ClassDesc type) {
        String internal = type.descriptorString();
        String resource = internal.substring(1, internal.length() - 1) + ".class";
        try (InputStream in = loader != null
                ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(ClassFile.of().parse(in.readAllBytes()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The class-file bytes of one of the backend's own classes (the template of a hidden class). */
    static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("class file of " + type.getName() + " not found");
            }
            return in.readAllBytes();
        }
    }

    static Optional<MethodModel> method(ClassModel model, String name, MethodTypeDesc type) {
        for (MethodModel m : model.methods()) {
            if (m.methodName().equalsString(name) && m.methodTypeSymbol().equals(type)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    static MethodTypeDesc descriptor(Method method) {
        ClassDesc[] params = new ClassDesc[method.getParameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = method.getParameterTypes()[i].describeConstable().orElseThrow();
        }
        return MethodTypeDesc.of(method.getReturnType().describeConstable().orElseThrow(), params);
    }
}
