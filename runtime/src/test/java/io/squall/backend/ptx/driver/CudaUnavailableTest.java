package io.squall.backend.ptx.driver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The no-driver path; runs everywhere. */
class CudaUnavailableTest {

    @Test
    void missingDriverLibraryGivesAClearReason() {
        Cuda.Probe probe = Cuda.probe(List.of("libSquallNoSuchCuda.so.1"));
        assertFalse(probe.available());
        assertTrue(probe.devices().isEmpty());
        assertTrue(probe.reason().contains("libSquallNoSuchCuda.so.1"), probe.reason());
        assertTrue(probe.reason().contains("NVIDIA"), probe.reason());
    }

    @Test
    void defaultProbeIsConsistentAndNeverThrows() {
        if (Cuda.isAvailable()) {
            assertNull(Cuda.unavailableReason());
            assertFalse(Cuda.devices().isEmpty());
            assertTrue(Cuda.driverVersion() >= 12000, "driver version " + Cuda.driverVersion());
        } else {
            assertNotNull(Cuda.unavailableReason());
            assertTrue(Cuda.devices().isEmpty());
            assertEquals(0, Cuda.driverVersion());
            IllegalStateException e = assertThrows(IllegalStateException.class, Cuda::api);
            assertTrue(e.getMessage().contains(Cuda.unavailableReason()), e.getMessage());
        }
    }
}
