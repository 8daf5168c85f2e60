package io.squall.device;

import io.squall.api.TornadoBackend;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.api.runtime.TornadoRuntime;
import io.squall.api.runtime.TornadoRuntimeProvider;
import io.squall.backend.Backend;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.driver.OpenCL;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DevicesTest {
    @Test
    void parsesIds() {
        assertEquals(new DeviceId("opencl", 3), DeviceId.parse("opencl:3", null));
        assertEquals(new DeviceId("jvm", 0), DeviceId.parse(" JVM ", null));
        assertEquals(new DeviceId("jvm", 0), DeviceId.parse("jvm:0", null));
        assertEquals("ptx:1", DeviceId.parse("ptx:1", null).toString());
        for (String bad : new String[] {"", "opencl", "opencl:", ":1", "opencl:x", "opencl:-1", "jvm:2"}) {
            TornadoDeviceException e =
                    assertThrows(TornadoDeviceException.class, () -> DeviceId.parse(bad, "-Dsquall.device"));
            assertTrue(e.getMessage().contains("-Dsquall.device"), e.getMessage());
        }
    }

    @Test
    void jvmIsAlwaysThere() {
        ComputeDevice jvm = Devices.get("jvm");
        assertEquals("jvm", jvm.id());
        assertEquals(TornadoDeviceType.JAVA, jvm.type());
        assertSame(jvm, Devices.all().getLast());
        assertTrue(jvm.properties().computeUnits() >= 1);
    }

    /** Every backend, the built-in ones too, comes from the service file, in listing order: OpenCL first, the JVM last. */
    @Test
    void everyBackendIsAService() throws java.io.IOException {
        List<String> listed;
        try (var in = Devices.class.getResourceAsStream("/META-INF/services/" + Backend.class.getName())) {
            listed = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
        List<String> found =
                Devices.backends().stream().map(b -> b.getClass().getName()).toList();
        assertEquals(4, listed.size(), listed.toString());
        assertTrue(
                found.containsAll(listed),
                found + " lacks some of " + listed); // tests may register simulated backends too
        assertEquals(
                List.of("opencl", "ptx", "spirv", "jvm"),
                Devices.backends().stream()
                        .map(Backend::name)
                        .filter(n -> List.of("opencl", "ptx", "spirv", "jvm").contains(n))
                        .toList());
    }

    @Test
    void unknownDevicesAreClearErrors() {
        TornadoDeviceException e =
                assertThrows(TornadoDeviceException.class, () -> Devices.get("opencl:99", "-Ds0.t0.device"));
        assertTrue(
                e.getMessage().contains("opencl:99")
                        && e.getMessage().contains("-Ds0.t0.device")
                        && e.getMessage().contains("jvm"),
                e.getMessage());
        e = assertThrows(TornadoDeviceException.class, () -> Devices.get("cuda:0"));
        assertTrue(e.getMessage().contains("no backend 'cuda'"), e.getMessage());
        assertThrows(
                TornadoDeviceException.class,
                () -> TornadoRuntimeProvider.getTornadoRuntime().getBackend(42));
    }

    @Test
    void openclDevicesAreNumberedAcrossPlatforms() {
        assumeTrue(OpenCL.isAvailable(), "no OpenCL: " + OpenCL.unavailableReason());
        List<ComputeDevice> all = Devices.all();
        long expected =
                OpenCL.platforms().stream().mapToLong(p -> p.devices().size()).sum();
        List<ComputeDevice> cl =
                all.stream().filter(d -> d.id().startsWith("opencl:")).toList();
        assertEquals(expected, cl.size());
        for (int i = 0; i < cl.size(); i++) {
            assertEquals("opencl:" + i, cl.get(i).id());
            assertTrue(cl.get(i).properties().globalMemory() > 0);
            assertTrue(cl.get(i).properties().maxWorkGroupSize() > 0);
        }
        ComputeDevice first = cl.stream()
                .filter(d -> d.type() == TornadoDeviceType.GPU)
                .findFirst()
                .orElse(cl.getFirst());
        String saved = System.clearProperty("squall.device");
        try {
            assertSame(first, Devices.defaultDevice(), "default: first OpenCL GPU, else first OpenCL device");
        } finally {
            if (saved != null) {
                System.setProperty("squall.device", saved);
            }
        }
    }

    @Test
    void runtimeViewMatchesDiscovery() {
        TornadoRuntime rt = TornadoRuntimeProvider.getTornadoRuntime();
        assertEquals(Devices.backends().size(), rt.getNumBackends());
        TornadoBackend jvm = rt.getBackend("jvm");
        assertEquals(1, jvm.getNumDevices());
        TornadoDevice d = jvm.getDevice(0);
        assertEquals("jvm", d.getId());
        assertEquals(TornadoDeviceType.JAVA, d.getDeviceType());
        assertEquals("jvm", rt.getDevice("jvm").getId());
        assertNotNull(rt.getDefaultDevice());
        assertThrows(TornadoDeviceException.class, () -> jvm.getDevice(1));
        String saved = System.setProperty("squall.device", "jvm");
        try {
            assertEquals("jvm", rt.getDefaultDevice().getId());
            System.setProperty("squall.device", "opencl:77");
            assertThrows(TornadoDeviceException.class, rt::getDefaultDevice);
        } finally {
            if (saved == null) {
                System.clearProperty("squall.device");
            } else {
                System.setProperty("squall.device", saved);
            }
        }
    }
}
