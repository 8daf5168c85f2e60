package io.squall.device.placement;

import io.squall.api.enums.TornadoDeviceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** devices.json parsing, every validation error, explicit and auto placement on fake device lists. */
class DeviceMapTest {
    static final long MIB = 1L << 20, GIB = 1L << 30;

    /** 16 layers of 60 MiB + 4 MiB KV cache each; embedding 250 MiB, output 250 MiB, activations 10 MiB: about 1.5 GiB. */
    static final ModelFootprint MODEL = ModelFootprint.uniform(16, 60 * MIB, 250 * MIB, 250 * MIB, 4 * MIB, 10 * MIB);

    static DeviceCandidate dev(String id, TornadoDeviceType type, long memory, double bandwidth) {
        return new DeviceCandidate(id, "fake-" + id, type, memory, memory / 4, bandwidth);
    }

    static final DeviceCatalog TWO = DeviceCatalog.of(List.of(
            dev("opencl:0", TornadoDeviceType.CPU, 64 * GIB, 20e9),
            dev("opencl:1", TornadoDeviceType.GPU, 8 * GIB, 900e9),
            dev("jvm", TornadoDeviceType.JAVA, 4 * GIB, 0)));

    static String error(String json) {
        return assertThrows(DeviceMapException.class, () -> DeviceMap.parse(json, "devices.json"))
                .getMessage();
    }

    static String placeError(String json, DeviceCatalog catalog) {
        DeviceMap map = DeviceMap.parse(json, "devices.json");
        return assertThrows(DeviceMapException.class, () -> map.place(MODEL, catalog))
                .getMessage();
    }

    static Placement place(String json, DeviceCatalog catalog) {
        return DeviceMap.parse(json, "devices.json").place(MODEL, catalog);
    }

    // ------------------------------------------------------------------ parsing and explicit placement

    @Test
    void singleDeviceTakesEverything() {
        Placement p = DeviceMap.singleDevice("opencl:1").place(MODEL, TWO);
        assertEquals(List.of(new Stage("opencl:1", 0, 16)), p.stages());
        assertEquals("opencl:1", p.embeddingDevice());
        assertEquals("opencl:1", p.outputDevice());
        assertTrue(p.singleDevice());
        Placement cpu = DeviceMap.singleDevice("cpu").place(MODEL, TWO);
        assertTrue(cpu.cpuOnly());
        assertTrue(
                cpu.explanation().contains("cpu (the CPU engine): layers 0-16 (16 layers), embedding, output head"),
                cpu.explanation());
    }

    @Test
    void oneStageWithoutLayersMeansAll() {
        Placement p = place("{\"stages\": [{\"device\": \"OpenCL:1\"}]}", TWO);
        assertEquals(List.of(new Stage("opencl:1", 0, 16)), p.stages());
    }

    @Test
    void pipelineAndPartialOffloadWithDefaultEmbeddingAndOutput() {
        Placement p = place("""
                {"stages": [
                  {"device": "cpu", "layers": "12-16"},
                  {"device": "opencl:1", "layers": "0-8"},
                  {"device": "opencl:0", "layers": "8-12"}
                ]}""", TWO);
        assertEquals(
                List.of(new Stage("opencl:1", 0, 8), new Stage("opencl:0", 8, 12), new Stage("cpu", 12, 16)),
                p.stages());
        assertEquals("opencl:1", p.embeddingDevice(), "embedding defaults to the first stage");
        assertEquals("cpu", p.outputDevice(), "output defaults to the last stage");
        assertEquals("opencl:0", p.stageOf(9).deviceId());
        String why = p.explanation();
        assertTrue(why.contains("opencl:1 fake-opencl:1 (GPU): layers 0-8 (8 layers), embedding"), why);
        assertTrue(why.contains("cpu (the CPU engine): layers 12-16 (4 layers), output head"), why);
        assertTrue(why.contains("crosses devices 2 times per token"), why);
    }

    @Test
    void explicitEmbeddingAndOutput() {
        Placement p = place("""
                {"stages": [{"device": "opencl:1", "layers": "all"}], "embedding": "cpu", "output": "opencl:0"}""", TWO);
        assertEquals("cpu", p.embeddingDevice());
        assertEquals("opencl:0", p.outputDevice());
        assertEquals(List.of("cpu", "opencl:1", "opencl:0"), List.copyOf(p.devices()));
    }

    @Test
    void singleLayerStage() {
        Placement p = place("""
                {"stages": [{"device": "opencl:1", "layers": "0-15"}, {"device": "cpu", "layers": "15"}]}""", TWO);
        assertEquals(new Stage("cpu", 15, 16), p.stages().get(1));
    }

    @Test
    void overlapNamesBothStages() {
        assertEquals("devices.json: stages[1].layers \"8-20\" overlaps stages[0] \"0-10\"", error("""
                {"stages": [{"device": "opencl:0", "layers": "0-10"}, {"device": "opencl:1", "layers": "8-20"}]}"""));
        assertEquals("devices.json: stages[1].layers \"3\" overlaps stages[0] \"all\"", error("""
                {"stages": [{"device": "opencl:0", "layers": "all"}, {"device": "opencl:1", "layers": "3"}]}"""));
    }

    @Test
    void syntaxAndKeyErrorsNameTheJsonPath() {
        assertTrue(
                error("{\"stages\": [").startsWith("devices.json: invalid JSON at line 1, column"),
                error("{\"stages\": ["));
        assertEquals("devices.json: must be a JSON object, found array", error("[]"));
        assertTrue(error("").contains("empty file"));
        assertTrue(error("{\"stage\": \"auto\"}")
                .startsWith("devices.json: stage unknown key; allowed here: $schema, cpuOffload,"));
        assertTrue(error("{\"stages\": \"auto\", \"stages\": \"auto\"}").contains("Duplicate field 'stages'"));
        assertTrue(error("{}").startsWith("devices.json: stages missing"));
        assertEquals(
                "devices.json: stages \"best\" is not \"auto\" nor an array of stages",
                error("{\"stages\": \"best\"}"));
        assertEquals(
                "devices.json: stages must be \"auto\" or an array of stages, found number", error("{\"stages\": 3}"));
        assertTrue(error("{\"stages\": []}").startsWith("devices.json: stages is empty"));
        assertTrue(error("{\"stages\": [\"opencl:0\"]}").startsWith("devices.json: stages[0] must be an object"));
        assertTrue(error("{\"stages\": [{\"device\": \"opencl:0\", \"layer\": \"0-4\"}]}")
                .startsWith("devices.json: stages[0].layer unknown key; allowed here: device, layers"));
        assertEquals("devices.json: stages[0].device missing", error("{\"stages\": [{\"layers\": \"all\"}]}"));
        assertTrue(error("{\"stages\": [{\"device\": \"gpu0\"}]}")
                .startsWith("devices.json: stages[0].device \"gpu0\": not a device id"));
        assertTrue(error("{\"stages\": [{\"device\": 0}]}")
                .startsWith("devices.json: stages[0].device must be a device id string"));
        assertTrue(error("""
                {"stages": [{"device": "opencl:0", "layers": "0-8"}, {"device": "cpu"}]}""")
                .startsWith("devices.json: stages[1].layers missing: with several stages each names its layers"));
        assertTrue(error("{\"stages\": [{\"device\": \"cpu\", \"layers\": \"first half\"}]}")
                .startsWith("devices.json: stages[0].layers \"first half\" is not \"all\", \"A-B\""));
        assertTrue(error("{\"stages\": [{\"device\": \"cpu\", \"layers\": \"8-8\"}]}")
                .startsWith("devices.json: stages[0].layers \"8-8\" is empty"));
        assertTrue(error("{\"stages\": [{\"device\": \"cpu\", \"layers\": 4}]}")
                .startsWith("devices.json: stages[0].layers must be a string"));
        assertTrue(error("{\"stages\": \"auto\", \"headroom\": 1.5}")
                .startsWith("devices.json: headroom must be a fraction"));
        assertTrue(error("{\"stages\": \"auto\", \"cpuOffload\": \"no\"}")
                .startsWith("devices.json: cpuOffload must be true or false"));
        assertTrue(error("{\"stages\": \"auto\", \"embedding\": \"gpu\"}")
                .startsWith("devices.json: embedding \"gpu\": not a device id"));
        assertTrue(error("{\"stages\": \"auto\", \"output\": 1}")
                .startsWith("devices.json: output must be a device id string"));
    }

    @Test
    void deviceEntryErrors() {
        assertTrue(error("{\"stages\": \"auto\", \"devices\": {\"id\": \"opencl:0\"}}")
                .startsWith("devices.json: devices must be an array"));
        assertEquals("devices.json: devices[0].id missing", error("{\"stages\": \"auto\", \"devices\": [{}]}"));
        assertTrue(error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"speed\": 3}]}")
                .startsWith("devices.json: devices[0].speed unknown key; allowed here: binaries, id, jit, memory"));
        assertEquals(
                "devices.json: devices[1].id \"opencl:0\" is already listed in devices[0]",
                error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\"}, {\"id\": \"OPENCL:0\"}]}"));
        assertTrue(error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"cpu\"}]}")
                .startsWith("devices.json: devices[0].id \"cpu\" is the CPU engine"));
        assertTrue(error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"memory\": \"lots\"}]}")
                .startsWith("devices.json: devices[0].memory must be a positive size"));
        // sizes beyond a long are errors, not saturated to 8 EiB
        assertEquals(
                "devices.json: devices[0].memory is beyond 8 EiB (2^63 bytes), found \"99999999999999999999TB\"",
                error(
                        "{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"memory\": \"99999999999999999999TB\"}]}"));
        assertEquals(
                "devices.json: devices[0].memory is beyond 8 EiB (2^63 bytes), found 99999999999999999999",
                error(
                        "{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"memory\": 99999999999999999999}]}"));
        assertTrue(error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"jit\": false}]}")
                .startsWith("devices.json: devices[0].jit is false but the entry names no binaries"));
        assertTrue(error("{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"binaries\": \"no/such/dir\"}]}")
                .startsWith("devices.json: devices[0].binaries \"no/such/dir\": no such directory"));
        assertTrue(error(
                        "{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"binaries\": {\"matvec\": \"none.bin\"}}]}")
                .startsWith("devices.json: devices[0].binaries.matvec \"none.bin\": no such file"));
        assertTrue(error(
                        "{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\", \"binaries\": {\"bad-name\": \"x.bin\"}}]}")
                .startsWith("devices.json: devices[0].binaries.bad-name is not a kernel entry-point name"));
    }

    @Test
    void placementErrorsAgainstModelAndDevices() {
        String unknown = placeError("{\"stages\": [{\"device\": \"opencl:7\"}]}", TWO);
        assertTrue(
                unknown.startsWith(
                        "devices.json: stages[0].device \"opencl:7\": no such device; available: opencl:0 fake-opencl:0 (CPU),"),
                unknown);
        assertTrue(unknown.endsWith("cpu (the CPU engine)"), unknown);
        DeviceCatalog withoutDriver = new DeviceCatalog() {
            @Override
            public List<DeviceCandidate> devices() {
                return TWO.devices();
            }

            @Override
            public String whyAbsent(String id) {
                return id.startsWith("ptx") ? "libcuda.so.1 not found" : null;
            }
        };
        assertTrue(
                placeError("{\"stages\": [{\"device\": \"ptx:0\"}]}", withoutDriver)
                        .startsWith(
                                "devices.json: stages[0].device \"ptx:0\": no such device (libcuda.so.1 not found); available: "));
        assertTrue(placeError("{\"stages\": \"auto\", \"devices\": [{\"id\": \"ptx:0\"}]}", TWO)
                .startsWith("devices.json: devices[0].id \"ptx:0\": no such device"));
        assertTrue(placeError("{\"stages\": [{\"device\": \"opencl:1\"}], \"output\": \"opencl:3\"}", TWO)
                .startsWith("devices.json: output \"opencl:3\": no such device"));
        assertEquals(
                "devices.json: stages[1].layers \"10-20\" goes beyond the model's 16 layers (0-16, end exclusive)",
                placeError(
                        "{\"stages\": [{\"device\": \"opencl:1\", \"layers\": \"0-10\"}, {\"device\": \"cpu\", \"layers\": \"10-20\"}]}",
                        TWO));
        assertEquals(
                "devices.json: stages layers 8-10 (end exclusive) are not placed: the stages cover 0-8, 10-16 of the model's 16 layers"
                        + " (0-16; ranges are end exclusive, \"0-16\" = layers 0..15)",
                placeError(
                        "{\"stages\": [{\"device\": \"cpu\", \"layers\": \"10-16\"}, {\"device\": \"opencl:1\", \"layers\": \"0-8\"}]}",
                        TWO));
        assertTrue(placeError("{\"stages\": [{\"device\": \"opencl:1\", \"layers\": \"0-15\"}]}", TWO)
                .startsWith("devices.json: stages layer 15 is not placed"));
    }

    @Test
    void aModelThatDoesNotFitNamesStageDeviceAndSizes() {
        String msg = placeError("""
                {"devices": [{"id": "opencl:1", "memory": "1GB"}],
                 "stages": [{"device": "opencl:1", "layers": "0-12"}, {"device": "cpu", "layers": "12-16"}]}""", TWO);
        // 12 x 60 MiB + 12 x 4 MiB + 10 MiB + 250 MiB embedding = 1028 MiB > 90% of 1 GiB
        assertEquals(
                "devices.json: stages[0] (layers 0-12 (12 layers), embedding on opencl:1) does not fit opencl:1 fake-opencl:1 (GPU):"
                        + " needs 1.00 GiB (layer weights 720.00 MiB + KV cache 48.00 MiB + activations 10.00 MiB + embedding 250.00 MiB)"
                        + " but 921.60 MiB is usable (1.00 GiB free, 10% headroom kept)",
                msg);
        // the same split fits with no headroom and a bigger override
        Placement ok = place("""
                {"devices": [{"id": "opencl:1", "memory": "1100MB"}], "headroom": 0,
                 "stages": [{"device": "opencl:1", "layers": "0-12"}, {"device": "cpu", "layers": "12-16"}]}""", TWO);
        assertEquals(2, ok.stages().size());
    }

    @Test
    void loadReadsFileAndResolvesBinariesRelativeToIt(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("aot"));
        Files.write(dir.resolve("aot/k.bin"), new byte[] {1});
        Path json = dir.resolve("devices.json");
        Files.writeString(json, """
                {"devices": [{"id": "opencl:1", "binaries": {"matvec": "aot/k.bin"}, "jit": false},
                             {"id": "opencl:0", "binaries": "aot"}],
                 "stages": [{"device": "opencl:1"}]}""");
        DeviceMap map = DeviceMap.load(json);
        assertEquals(dir.resolve("aot/k.bin"), map.entry("opencl:1").binaries().find("g.t", "matvec"));
        assertFalse(map.entry("opencl:1").jit());
        assertEquals(dir.resolve("aot/k.bin"), map.entry("opencl:0").binaries().find("k", "other"));
        assertEquals(null, map.entry("opencl:0").binaries().find("g.t", "other"));
        String missing = assertThrows(DeviceMapException.class, () -> DeviceMap.load(dir.resolve("nope.json")))
                .getMessage();
        assertTrue(missing.endsWith("nope.json: no such file"), missing);
    }

    @Test
    void repositoryDevicesJsonParses() {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path json = root.resolve("devices.json");
        if (Files.isRegularFile(json)) {
            assertTrue(DeviceMap.load(json).isAuto());
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no devices.json at " + root);
        }
    }

    // ------------------------------------------------------------------ auto

    /** Records which devices had their bandwidth measured. */
    static final class CountingCatalog implements DeviceCatalog {
        final List<DeviceCandidate> list;
        final List<String> measured = new ArrayList<>();

        CountingCatalog(List<DeviceCandidate> list) {
            this.list = list;
        }

        @Override
        public List<DeviceCandidate> devices() {
            return list;
        }

        @Override
        public double bandwidth(DeviceCandidate d) {
            measured.add(d.id());
            return d.bandwidth();
        }
    }

    @Test
    void autoRanksTypeThenBandwidthThenMemory() {
        CountingCatalog c = new CountingCatalog(List.of(
                dev("opencl:0", TornadoDeviceType.CPU, 64 * GIB, 50e9),
                dev("opencl:1", TornadoDeviceType.ACCELERATOR, 16 * GIB, 30e9),
                dev("opencl:2", TornadoDeviceType.GPU, 8 * GIB, 300e9),
                dev("opencl:3", TornadoDeviceType.GPU, 24 * GIB, 900e9),
                dev("opencl:4", TornadoDeviceType.GPU, 48 * GIB, 900e9)));
        String all =
                "{\"stages\": \"auto\", \"devices\": [{\"id\": \"opencl:0\"}, {\"id\": \"opencl:1\"}, {\"id\": \"opencl:2\"},"
                        + " {\"id\": \"opencl:3\"}, {\"id\": \"opencl:4\"}]}";
        Placement p = place(all, c);
        assertEquals(List.of(new Stage("opencl:4", 0, 16)), p.stages(), p.explanation());
        String why = p.explanation();
        assertTrue(
                why.indexOf("1. opencl:4") < why.indexOf("2. opencl:3")
                        && why.indexOf("2. opencl:3") < why.indexOf("3. opencl:2")
                        && why.indexOf("3. opencl:2") < why.indexOf("4. opencl:1")
                        && why.indexOf("4. opencl:1") < why.indexOf("5. opencl:0"),
                why);
        assertTrue(why.contains("decision: opencl:4 holds the whole model"), why);
        assertTrue(why.contains("900.0 GB/s measured"), why);
        assertEquals(5, c.measured.size(), "every ranked device is measured");
        // Without a device list, auto considers GPUs and accelerators only.
        Placement q = place("{\"stages\": \"auto\"}", c);
        assertEquals("opencl:4", q.stages().getFirst().deviceId());
        assertTrue(q.explanation().contains("not used by auto: opencl:0 fake-opencl:0 (CPU)"), q.explanation());
    }

    @Test
    void autoPrefersAWholeFitOverABetterRankedSmallDevice() {
        DeviceCatalog c = DeviceCatalog.of(List.of(
                dev("opencl:0", TornadoDeviceType.GPU, GIB, 900e9),
                dev("opencl:1", TornadoDeviceType.GPU, 4 * GIB, 300e9)));
        Placement p = place("{\"stages\": \"auto\"}", c);
        assertEquals(List.of(new Stage("opencl:1", 0, 16)), p.stages());
        assertTrue(p.explanation().contains("better-ranked devices are too small"), p.explanation());
    }

    @Test
    void autoSplitsAcrossDevicesThenTheCpuEngine() {
        DeviceCatalog c = DeviceCatalog.of(List.of(
                dev("opencl:0", TornadoDeviceType.GPU, 700 * MIB, 900e9),
                dev("opencl:1", TornadoDeviceType.GPU, 600 * MIB, 500e9)));
        Placement p = place("{\"stages\": \"auto\"}", c);
        // opencl:0: 630 MiB usable - 10 activations - 250 embedding = 370 -> 5 layers of 64 MiB
        // opencl:1: 540 - 10 = 530 -> 8 layers; the remaining 3 layers and the output head on the CPU engine
        assertEquals(
                List.of(new Stage("opencl:0", 0, 5), new Stage("opencl:1", 5, 13), new Stage("cpu", 13, 16)),
                p.stages(),
                p.explanation());
        assertEquals("opencl:0", p.embeddingDevice());
        assertEquals("cpu", p.outputDevice());
        assertTrue(p.explanation().contains("no single device holds the model"), p.explanation());
        assertTrue(p.explanation().contains("the rest on the CPU engine"), p.explanation());
        assertTrue(
                p.explanation().contains("cpu (the CPU engine): layers 13-16 (3 layers), output head"),
                p.explanation());
    }

    @Test
    void autoReservesTheOutputHeadOnTheLastDevice() {
        // 1.6 GiB usable holds every layer (1 GiB) + embedding + activations, but not the output head as well.
        DeviceCatalog c = DeviceCatalog.of(List.of(dev("opencl:0", TornadoDeviceType.GPU, 1700 * MIB, 900e9)));
        Placement p = place("{\"stages\": \"auto\"}", c);
        assertEquals(List.of(new Stage("opencl:0", 0, 15), new Stage("cpu", 15, 16)), p.stages(), p.explanation());
        assertEquals("cpu", p.outputDevice());
        // with room for everything it stays on one device
        Placement whole = place(
                "{\"stages\": \"auto\"}",
                DeviceCatalog.of(List.of(dev("opencl:0", TornadoDeviceType.GPU, 2 * GIB, 0))));
        assertTrue(whole.singleDevice(), whole.explanation());
    }

    @Test
    void autoMovesTheEmbeddingToTheCpuWhenTheFirstDeviceIsTight() {
        DeviceCatalog c = DeviceCatalog.of(List.of(dev("opencl:0", TornadoDeviceType.GPU, 300 * MIB, 900e9)));
        Placement p = place("{\"stages\": \"auto\"}", c);
        assertEquals("cpu", p.embeddingDevice());
        assertEquals(new Stage("opencl:0", 0, 4), p.stages().getFirst(), p.explanation());
        assertTrue(
                p.explanation().contains("the embedding table (250.00 MiB) goes to the CPU engine"), p.explanation());
    }

    @Test
    void autoWithoutCpuOffloadFailsWhenTheModelDoesNotFit() {
        DeviceCatalog c = DeviceCatalog.of(List.of(dev("opencl:0", TornadoDeviceType.GPU, 700 * MIB, 900e9)));
        String msg = placeError("{\"stages\": \"auto\", \"cpuOffload\": false}", c);
        assertTrue(
                msg.startsWith("devices.json: the model does not fit the devices and cpuOffload is false: layers 5-16"),
                msg);
        assertTrue(msg.contains("opencl:0 630.00 MiB usable"), msg);
        String none = placeError("{\"stages\": \"auto\", \"cpuOffload\": false}", DeviceCatalog.of(List.of()));
        assertTrue(none.startsWith("devices.json: cpuOffload is false but no GPU or accelerator was found"), none);
    }

    @Test
    void autoWithoutAcceleratorsUsesTheCpuEngineAndSaysWhy() {
        CountingCatalog c = new CountingCatalog(List.of(
                dev("opencl:0", TornadoDeviceType.CPU, 64 * GIB, 20e9),
                dev("jvm", TornadoDeviceType.JAVA, 4 * GIB, 0)));
        Placement p = DeviceMap.auto().place(MODEL, c);
        assertTrue(p.cpuOnly());
        assertTrue(p.explanation().contains("no GPU or accelerator found"), p.explanation());
        assertTrue(p.explanation().contains("decision: everything on the CPU engine"), p.explanation());
        assertTrue(c.measured.isEmpty(), "nothing to rank, nothing measured");
        // a single candidate is not measured either
        CountingCatalog one = new CountingCatalog(List.of(dev("opencl:0", TornadoDeviceType.GPU, 64 * GIB, 0)));
        assertTrue(DeviceMap.auto().place(MODEL, one).singleDevice());
        assertTrue(one.measured.isEmpty());
    }

    @Test
    void autoHonoursMemoryOverrideAndEmbeddingOverride() {
        DeviceCatalog c = DeviceCatalog.of(List.of(dev("opencl:0", TornadoDeviceType.GPU, 64 * GIB, 900e9)));
        Placement p = place(
                "{\"stages\": \"auto\", \"embedding\": \"cpu\", \"devices\": [{\"id\": \"opencl:0\", \"memory\": \"1GB\"}]}",
                c);
        // 921.6 MiB usable - 10 activations = 911.6; output reserved only when the last layer lands here
        assertEquals("cpu", p.embeddingDevice());
        assertEquals(List.of(new Stage("opencl:0", 0, 14), new Stage("cpu", 14, 16)), p.stages(), p.explanation());
        assertEquals("cpu", p.outputDevice());
    }

    @Test
    void footprintChecksItsInput() {
        assertThrows(IllegalArgumentException.class, () -> new ModelFootprint(2, new long[] {1}, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelFootprint(0, new long[] {}, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelFootprint(1, new long[] {-1}, 0, 0, 0, 0));
        assertEquals(16 * 64 * MIB, MODEL.layerBytes(0, 16));
        assertEquals(16 * 60 * MIB + 500 * MIB, MODEL.weightBytes());
    }

    @Test
    void sizes() {
        assertEquals(8L << 30, Bytes.parse("8GB"));
        assertEquals(512L << 20, Bytes.parse("512 MiB"));
        assertEquals((long) (1.5 * (1L << 30)), Bytes.parse("1.5G"));
        assertEquals(100, Bytes.parse("100"));
        assertEquals(-1, Bytes.parse("eight"));
        assertEquals(Bytes.TOO_LARGE, Bytes.parse("8388608T"));
        assertEquals((1L << 62) + (1L << 61), Bytes.parse("6291456T"));
        assertEquals("1.50 GiB", Bytes.format(3L << 29));
    }

    @Test
    void deviceOptionForms(@TempDir Path dir) throws IOException {
        Placement split =
                DeviceMap.fromDeviceOption("opencl:1,opencl:0,cpu", null).place(MODEL, TWO);
        assertEquals(
                List.of(new Stage("opencl:1", 0, 6), new Stage("opencl:0", 6, 11), new Stage("cpu", 11, 16)),
                split.stages());
        assertTrue(
                split.explanation().startsWith("placement from --device opencl:1,opencl:0,cpu:"), split.explanation());
        String unknown = assertThrows(
                        DeviceMapException.class,
                        () -> DeviceMap.fromDeviceOption("opencl:1,opencl:5", null)
                                .place(MODEL, TWO))
                .getMessage();
        assertTrue(unknown.startsWith("--device opencl:1,opencl:5: device[1] \"opencl:5\": no such device"), unknown);
        assertTrue(assertThrows(DeviceMapException.class, () -> DeviceMap.fromDeviceOption("opencl:1,", null))
                .getMessage()
                .startsWith("--device opencl:1,: device[1] \"\": not a device id"));
        assertEquals(
                List.of(new Stage("opencl:1", 0, 16)),
                DeviceMap.fromDeviceOption("opencl:1", null).place(MODEL, TWO).stages());
        assertTrue(
                DeviceMap.fromDeviceOption("auto", dir.resolve("absent.json")).isAuto());
        Path json = dir.resolve("my.json");
        Files.writeString(json, "{\"stages\": [{\"device\": \"cpu\"}]}");
        assertTrue(DeviceMap.fromDeviceOption("auto", json).place(MODEL, TWO).cpuOnly());
        assertTrue(DeviceMap.fromDeviceOption(json.toString(), null)
                .place(MODEL, TWO)
                .cpuOnly());
    }
}
