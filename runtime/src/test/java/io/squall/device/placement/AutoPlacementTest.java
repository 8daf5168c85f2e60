package io.squall.device.placement;

import io.squall.api.enums.TornadoDeviceType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.squall.device.placement.DeviceMapTest.GIB;
import static io.squall.device.placement.DeviceMapTest.MIB;
import static io.squall.device.placement.DeviceMapTest.MODEL;
import static io.squall.device.placement.DeviceMapTest.dev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auto placement's decision as data (what {@link AutoExplanation} renders), on fake devices with 90% usable. */
class AutoPlacementTest {
    private static AutoPlacement.Decision decide(String json, DeviceCatalog catalog) {
        DeviceMap map = DeviceMap.parse(json, "devices.json");
        return new AutoPlacement(map, MODEL, catalog, d -> (long) (d.freeMemory() * 0.9)).decide();
    }

    @Test
    void theWholeModelGoesToTheBestDeviceThatHoldsIt() {
        DeviceCatalog c = DeviceCatalog.of(List.of(
                dev("opencl:0", TornadoDeviceType.GPU, GIB, 900e9),
                dev("opencl:1", TornadoDeviceType.GPU, 4 * GIB, 300e9),
                dev("opencl:2", TornadoDeviceType.CPU, 64 * GIB, 50e9)));
        AutoPlacement.Decision d = decide("{\"stages\": \"auto\"}", c);
        assertEquals(
                List.of("opencl:0", "opencl:1"),
                d.ranked().stream().map(r -> r.device().id()).toList());
        assertEquals(List.of("opencl:2 fake-opencl:2 (CPU)"), d.ignored());
        AutoPlacement.Choice.Whole whole = assertInstanceOf(AutoPlacement.Choice.Whole.class, d.choice());
        assertEquals("opencl:1", whole.device().device().id());
        assertEquals(
                16 * 64 * MIB + 10 * MIB + 250 * MIB + 250 * MIB,
                whole.need(),
                "layers with KV, activations, embedding, output");
        assertTrue(!whole.best(), "opencl:0 ranks better but is too small");
        assertEquals(List.of(new Stage("opencl:1", 0, 16)), d.stages());
        assertEquals(List.of(), d.notes());

        StringBuilder why = new StringBuilder();
        AutoExplanation.explain(d, why);
        assertTrue(
                why.toString()
                        .contains("  decision: opencl:1 holds the whole model (needs 1.50 GiB of 3.60 GiB usable); "
                                + "better-ranked devices are too small\n"),
                why.toString());
    }

    @Test
    void aSplitRecordsWhatItLeftOutInOrder() {
        // opencl:0 cannot hold the embedding and a layer; opencl:1 cannot hold a layer at all; opencl:2 takes 7 layers.
        DeviceCatalog c = DeviceCatalog.of(List.of(
                dev("opencl:0", TornadoDeviceType.GPU, 300 * MIB, 900e9),
                dev("opencl:1", TornadoDeviceType.GPU, 50 * MIB, 800e9),
                dev("opencl:2", TornadoDeviceType.GPU, 512 * MIB, 700e9)));
        AutoPlacement.Decision d = decide("{\"stages\": \"auto\"}", c);
        AutoPlacement.Choice.Split split = assertInstanceOf(AutoPlacement.Choice.Split.class, d.choice());
        assertEquals(MODEL.weightBytes() + 16 * 4 * MIB + 10 * MIB, split.modelBytes());
        assertTrue(split.cpuOffload());
        assertEquals(
                List.of(
                        new AutoPlacement.Note.EmbeddingOnCpu(250 * MIB, "opencl:0"),
                        new AutoPlacement.Note.TooSmall("opencl:1", 64 * MIB, (long) (50 * MIB * 0.9) - 10 * MIB)),
                d.notes());
        // 270 - 10 = 260 MiB -> 4 layers; 460.8 - 10 -> 7 layers; the rest on the CPU engine, which takes the output
        // head
        assertEquals(
                List.of(new Stage("opencl:0", 0, 4), new Stage("opencl:2", 4, 11), new Stage(Stage.CPU, 11, 16)),
                d.stages());
        assertEquals(Stage.CPU, d.embedding());
        assertEquals(Stage.CPU, d.output());

        StringBuilder why = new StringBuilder();
        AutoExplanation.explain(d, why);
        String text = why.toString();
        int decision = text.indexOf("  decision: no single device holds the model");
        int embedding = text.indexOf(
                "  the embedding table (250.00 MiB) goes to the CPU engine to leave opencl:0 room for layers\n");
        int small = text.indexOf("  opencl:1 is too small for a layer (64.00 MiB with its KV cache; 35.00 MiB left)\n");
        assertTrue(0 < decision && decision < embedding && embedding < small, text);
    }

    @Test
    void withoutAcceleratorsTheCpuEngineRunsEverything() {
        AutoPlacement.Decision d = decide("{\"stages\": \"auto\"}", DeviceCatalog.of(List.of()));
        assertInstanceOf(AutoPlacement.Choice.CpuOnly.class, d.choice());
        assertEquals(List.of(new Stage(Stage.CPU, 0, 16)), d.stages());
        StringBuilder why = new StringBuilder();
        AutoExplanation.explain(d, why);
        assertEquals("  no GPU or accelerator found\n  decision: everything on the CPU engine\n", why.toString());
    }
}
