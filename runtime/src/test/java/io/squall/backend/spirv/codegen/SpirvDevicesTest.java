package io.squall.backend.spirv.codegen;

import io.squall.backend.Backend;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.backend.spirv.SpirvDevice;
import io.squall.backend.spirv.SpirvRoute;
import io.squall.device.Devices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** spirv:N lists exactly the OpenCL devices with a SPIR-V route, in OpenCL order, and says why when there is none. */
class SpirvDevicesTest {
    @Test
    void spirvDevicesAreTheOpenCLDevicesWithARoute() {
        Backend spirv = Devices.backend("spirv");
        assertNotNull(spirv, "the spirv backend is registered through META-INF/services");
        List<CLDevice> routable = new ArrayList<>();
        if (OpenCL.isAvailable()) {
            for (CLDevice d : OpenCL.devices()) {
                if (SpirvRoute.of(d) != SpirvRoute.NONE) {
                    routable.add(d);
                }
            }
        }
        assertEquals(
                routable.size(),
                spirv.devices().size(),
                () -> "spirv devices vs routable OpenCL devices; " + spirv.unavailableReason());
        for (int i = 0; i < routable.size(); i++) {
            SpirvDevice d = (SpirvDevice) spirv.devices().get(i);
            assertEquals("spirv:" + i, d.id());
            assertSame(routable.get(i), d.clDevice());
            assertTrue(
                    d.properties().ilVersion().contains("SPIR-V"),
                    d.properties().ilVersion());
            assertSame(d, Devices.get(d.id()));
        }
        if (routable.isEmpty()) {
            assertNotNull(spirv.unavailableReason());
            assertFalse(spirv.unavailableReason().isBlank());
        } else {
            assertNull(spirv.unavailableReason());
        }
    }

    @Test
    void routesFollowTheDeviceAndPlatform() {
        Assumptions.assumeTrue(OpenCL.isAvailable(), () -> "no OpenCL: " + OpenCL.unavailableReason());
        for (CLDevice d : OpenCL.devices()) {
            boolean spir = d.ilVersion().isEmpty()
                    && d.extensions().contains("cl_khr_spir")
                    && d.platform().version().contains("LLVM 15")
                    && SpirTranslator.isAvailable();
            if (d.ilVersion().contains("SPIR-V")) {
                assertEquals(SpirvRoute.IL, SpirvRoute.of(d), d.name());
            } else if (spir) {
                assertEquals(SpirvRoute.SPIR, SpirvRoute.of(d), d.name());
            }
            if (!d.ilVersion().contains("SPIR-V") && !d.extensions().contains("cl_khr_spir")) {
                assertEquals(SpirvRoute.NONE, SpirvRoute.of(d), d.name());
                assertTrue(SpirvRoute.whyNot(d).contains("accepts neither SPIR-V"), SpirvRoute.whyNot(d));
            }
        }
    }
}
