package io.squall.jit.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;

/** Reads class files through the class loader that defined the kernel (so the bytecode is the running code). */
final class ClassModels {
    private ClassModels() {}

    static ClassModel load(String internalName, ClassLoader loader) {
        String resource = internalName + ".class";
        try (InputStream in = loader != null
                ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("class file " + resource + " not found by " + loader
                        + "; kernels must be loaded from class files the class loader can read");
            }
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read class file " + resource + ": " + e.getMessage(), e);
        }
    }

    static MethodModel find(ClassModel cls, String name, String descriptor) {
        for (MethodModel m : cls.methods()) {
            if (m.methodName().equalsString(name) && m.methodType().equalsString(descriptor)) {
                return m;
            }
        }
        return null;
    }
}
