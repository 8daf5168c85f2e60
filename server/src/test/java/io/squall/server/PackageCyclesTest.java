package io.squall.server;

import io.squall.structure.PackageCycles;
import org.junit.jupiter.api.Test;

/** No package of this module depends, directly or not, on a package that depends on it (see {@link PackageCycles}). */
class PackageCyclesTest {
    @Test
    void noPackageCycle() {
        PackageCycles.assertNone(PackageCycles.classesOf(io.squall.server.OpenAiServer.class));
    }
}
