package io.squall.device.placement;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BandwidthProbeTest {
    @Test
    void aPlausibleKernelTimeIsTheCopysTime() {
        assertEquals(
                53_000,
                BandwidthProbe.elapsedNanos(53_000, 400_000),
                "a GPU copy: kernel time, not the launch around it");
        assertEquals(90_000_000, BandwidthProbe.elapsedNanos(90_000_000, 95_000_000));
    }

    @Test
    void aProfilingClockThatCannotBeRightFallsBackToWallTime() {
        // Mesa rusticl on llvmpipe: 1 ns for a 256 MB copy, which read as 268435456 GB/s
        assertEquals(120_000_000, BandwidthProbe.elapsedNanos(1, 120_000_000));
        assertEquals(120_000_000, BandwidthProbe.elapsedNanos(0, 120_000_000), "no kernel time");
        assertEquals(120_000_000, BandwidthProbe.elapsedNanos(-5, 120_000_000), "a clock that went backwards");
    }
}
