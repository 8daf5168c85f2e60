package io.squall.device.placement;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.api.exceptions.TornadoDeviceException;
import io.squall.device.DeviceId;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device map: which devices to use and where each part of a model runs, read from {@code devices.json}
 * (schema: {@code devices.schema.json} at the repository root). Either explicit {@code stages} (layer ranges on
 * devices, {@code "cpu"} for the CPU engine) or {@code "stages": "auto"}. The file is checked when read (syntax,
 * keys, ranges, binary files); {@link #place} checks it against the model and the devices found, before any weight
 * is loaded. Every error names the source and the JSON path.
 */
public final class DeviceMap {
    /** Memory fraction kept free on every device unless {@code headroom} says otherwise. */
    public static final double DEFAULT_HEADROOM = 0.10;

    private static final Set<String> TOP_KEYS =
            Set.of("$schema", "description", "devices", "stages", "embedding", "output", "headroom", "cpuOffload");
    private static final Set<String> DEVICE_KEYS = Set.of("id", "memory", "binaries", "jit");
    private static final Set<String> STAGE_KEYS = Set.of("device", "layers");
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:\\s*-\\s*(\\d+))?");

    /** A device entry: settings for one runtime device. {@code memory} -1 = what the device reports. */
    public record DeviceEntry(String id, long memory, KernelBinaries binaries, boolean jit, String path) {}

    /** A stage as written; {@code end} -1 for "all" (resolved against the model's layer count in {@link #place}). */
    record StageSpec(String device, String text, int first, int end, String path) {
        int resolvedEnd(int layers) {
            return end < 0 ? layers : end;
        }
    }

    private final String source;
    private final boolean auto;
    private final List<DeviceEntry> devices;
    private final List<StageSpec> stages;
    private final String embedding;
    private final String output;
    private final double headroom;
    private final boolean cpuOffload;
    /** Devices splitting the layers evenly ({@code --device a,b}), or null. */
    private final List<String> evenSplit;

    private DeviceMap(
            String source,
            boolean auto,
            List<DeviceEntry> devices,
            List<StageSpec> stages,
            String embedding,
            String output,
            double headroom,
            boolean cpuOffload) {
        this(source, auto, devices, stages, embedding, output, headroom, cpuOffload, null);
    }

    private DeviceMap(
            String source,
            boolean auto,
            List<DeviceEntry> devices,
            List<StageSpec> stages,
            String embedding,
            String output,
            double headroom,
            boolean cpuOffload,
            List<String> evenSplit) {
        this.source = source;
        this.auto = auto;
        this.devices = List.copyOf(devices);
        this.stages = List.copyOf(stages);
        this.embedding = embedding;
        this.output = output;
        this.headroom = headroom;
        this.cpuOffload = cpuOffload;
        this.evenSplit = evenSplit == null ? null : List.copyOf(evenSplit);
    }

    /** Reads a devices.json file; relative binary paths are resolved against its directory. */
    public static DeviceMap load(Path devicesJson) {
        String text;
        try {
            text = Files.readString(devicesJson);
        } catch (NoSuchFileException e) {
            throw new DeviceMapException(devicesJson + ": no such file");
        } catch (IOException e) {
            throw new DeviceMapException(devicesJson + ": cannot read: " + e.getMessage(), e);
        }
        Path dir = devicesJson.toAbsolutePath().getParent();
        return parse(text, devicesJson.toString(), dir);
    }

    /** Parses devices.json text; {@code source} names it in errors; relative binary paths resolve against the working directory. */
    public static DeviceMap parse(String json, String source) {
        return parse(json, source, Path.of("").toAbsolutePath());
    }

    /** Everything on one device ({@code cpu} for the CPU engine), as {@code --device ID} asks. */
    public static DeviceMap singleDevice(String id) {
        String source = "--device " + id;
        String device = checkDeviceSyntax(id, source, "device");
        return new DeviceMap(
                source,
                false,
                List.of(),
                List.of(new StageSpec(device, "all", 0, -1, "device")),
                null,
                null,
                DEFAULT_HEADROOM,
                true);
    }

    /**
     * The device map a {@code --device} option names: {@code auto} (the given devices.json when it exists, else
     * {@link #auto()}), a path ending in {@code .json}, a comma-separated list of device ids splitting the layers
     * evenly in order (earlier devices take the remainder), or one device id ({@code cpu} for the CPU engine).
     */
    public static DeviceMap fromDeviceOption(String value, Path defaultDevicesJson) {
        String v = value.trim();
        if (v.equals("auto")) {
            return defaultDevicesJson != null && Files.isRegularFile(defaultDevicesJson)
                    ? load(defaultDevicesJson)
                    : auto();
        }
        if (v.endsWith(".json")) {
            return load(Path.of(v));
        }
        if (v.contains(",")) {
            String source = "--device " + v;
            List<String> ids = new ArrayList<>();
            String[] parts = v.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                ids.add(checkDeviceSyntax(parts[i], source, "device[" + i + "]"));
            }
            return new DeviceMap(source, false, List.of(), List.of(), null, null, DEFAULT_HEADROOM, true, ids);
        }
        return singleDevice(v);
    }

    /** Automatic placement over every device found, with the defaults ({@code {"stages": "auto"}}). */
    public static DeviceMap auto() {
        return new DeviceMap("--device auto", true, List.of(), List.of(), null, null, DEFAULT_HEADROOM, true);
    }

    public String source() {
        return source;
    }

    public boolean isAuto() {
        return auto;
    }

    public List<DeviceEntry> deviceEntries() {
        return devices;
    }

    /** The entry for a device id, or null. */
    public DeviceEntry entry(String deviceId) {
        for (DeviceEntry e : devices) {
            if (e.id().equals(deviceId)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Places {@code model} on the runtime's devices and makes this map's kernel binaries the ones the runtime uses
     * ({@link #installKernelBinaries()}), after checking that each loads on its device: so the engine built for the
     * placement loads them, and devices with {@code "jit": false} never compile.
     */
    public Placement place(ModelFootprint model) {
        Placement p = place(model, DeviceCatalog.runtime());
        installKernelBinaries();
        return p;
    }

    /** Places {@code model} on the devices of {@code catalog}; a {@link DeviceMapException} when it cannot. */
    public Placement place(ModelFootprint model, DeviceCatalog catalog) {
        return new Planner(this, model, catalog).plan();
    }

    /**
     * Checks every kernel binary named under {@code devices} on its device (it must load there with clCreateProgramWithBinary
     * and, when named per kernel, contain that kernel) and registers them with the exec layer, replacing the binaries of a map
     * installed or placed before, so tasks on those devices load them instead of compiling; devices with {@code "jit": false}
     * then refuse to compile. Close the result to unregister.
     */
    public DeviceMapBinaries installKernelBinaries() {
        return DeviceMapBinaries.install(this);
    }

    // ---------------------------------------------------------------- parsing

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static DeviceMap parse(String json, String source, Path baseDir) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DeviceMapException(source + ": invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new DeviceMapException(source + ": empty file (expected an object such as {\"stages\": \"auto\"})");
        }
        Ctx c = new Ctx(source);
        c.require(root.isObject(), "", "must be a JSON object, found " + kind(root));
        c.keys(root, "", TOP_KEYS);

        if (root.has("$schema")) {
            c.require(root.get("$schema").isTextual(), "$schema", "must be a string");
        }
        if (root.has("description")) {
            c.require(root.get("description").isTextual(), "description", "must be a string");
        }

        List<DeviceEntry> entries = new ArrayList<>();
        JsonNode devs = root.get("devices");
        if (devs != null) {
            c.require(devs.isArray(), "devices", "must be an array of device entries, found " + kind(devs));
            Map<String, String> seen = new LinkedHashMap<>();
            for (int i = 0; i < devs.size(); i++) {
                DeviceEntry e = parseDevice(c, devs.get(i), "devices[" + i + "]", baseDir);
                String before = seen.putIfAbsent(e.id(), e.path());
                c.require(before == null, e.path() + ".id", "\"" + e.id() + "\" is already listed in " + before);
                entries.add(e);
            }
        }

        JsonNode st = root.get("stages");
        c.require(
                st != null,
                "stages",
                "missing: give \"auto\" or an array such as [{\"device\": \"opencl:0\", \"layers\": \"all\"}]");
        boolean auto;
        List<StageSpec> specs = new ArrayList<>();
        if (st.isTextual()) {
            c.require(
                    st.asText().equals("auto"),
                    "stages",
                    "\"" + st.asText() + "\" is not \"auto\" nor an array of stages");
            auto = true;
        } else {
            c.require(st.isArray(), "stages", "must be \"auto\" or an array of stages, found " + kind(st));
            c.require(!st.isEmpty(), "stages", "is empty: give at least one stage, or \"auto\"");
            auto = false;
            for (int i = 0; i < st.size(); i++) {
                specs.add(parseStage(c, st.get(i), "stages[" + i + "]", st.size() == 1));
            }
            checkOverlaps(c, specs);
        }

        String embedding = optionalDevice(c, root, "embedding");
        String output = optionalDevice(c, root, "output");
        double headroom = DEFAULT_HEADROOM;
        if (root.has("headroom")) {
            JsonNode h = root.get("headroom");
            c.require(
                    h.isNumber() && h.asDouble() >= 0 && h.asDouble() < 1,
                    "headroom",
                    "must be a fraction of device memory kept free, 0 <= headroom < 1 (e.g. 0.1), found " + h);
            headroom = h.asDouble();
        }
        boolean cpuOffload = true;
        if (root.has("cpuOffload")) {
            c.require(root.get("cpuOffload").isBoolean(), "cpuOffload", "must be true or false");
            cpuOffload = root.get("cpuOffload").asBoolean();
        }
        for (DeviceEntry e : entries) {
            c.require(
                    e.jit() || e.binaries() != null,
                    e.path() + ".jit",
                    "is false but the entry names no binaries: a device that cannot JIT needs precompiled kernels");
        }
        return new DeviceMap(source, auto, entries, specs, embedding, output, headroom, cpuOffload);
    }

    private static DeviceEntry parseDevice(Ctx c, JsonNode n, String path, Path baseDir) {
        c.require(n.isObject(), path, "must be an object such as {\"id\": \"opencl:0\"}, found " + kind(n));
        c.keys(n, path, DEVICE_KEYS);
        JsonNode idNode = n.get("id");
        c.require(idNode != null, path + ".id", "missing");
        c.require(idNode.isTextual(), path + ".id", "must be a device id string such as \"opencl:0\"");
        c.require(
                !idNode.asText().trim().equalsIgnoreCase(Stage.CPU),
                path + ".id",
                "\"cpu\" is the CPU engine, it needs no device entry (cpuOffload controls its use by \"auto\")");
        String id = checkDeviceSyntax(idNode.asText(), c.source, path + ".id");
        long memory = -1;
        if (n.has("memory")) {
            JsonNode m = n.get("memory");
            if (m.isIntegralNumber()) {
                memory = m.canConvertToLong() ? m.asLong() : Bytes.TOO_LARGE;
            } else if (m.isTextual()) {
                memory = Bytes.parse(m.asText());
            }
            c.require(memory != Bytes.TOO_LARGE, path + ".memory", "is beyond 8 EiB (2^63 bytes), found " + m);
            c.require(
                    memory > 0,
                    path + ".memory",
                    "must be a positive size such as \"8GB\" or a number of bytes, found " + m);
        }
        boolean jit = true;
        if (n.has("jit")) {
            c.require(n.get("jit").isBoolean(), path + ".jit", "must be true or false");
            jit = n.get("jit").asBoolean();
        }
        KernelBinaries binaries = null;
        if (n.has("binaries")) {
            binaries = KernelBinaries.parse(c.source, path + ".binaries", n.get("binaries"), baseDir, id);
        }
        return new DeviceEntry(id, memory, binaries, jit, path);
    }

    private static StageSpec parseStage(Ctx c, JsonNode n, String path, boolean only) {
        c.require(
                n.isObject(),
                path,
                "must be an object such as {\"device\": \"opencl:0\", \"layers\": \"0-16\"}, found " + kind(n));
        c.keys(n, path, STAGE_KEYS);
        JsonNode d = n.get("device");
        c.require(d != null, path + ".device", "missing");
        c.require(d.isTextual(), path + ".device", "must be a device id string (\"opencl:0\", \"cpu\", ...)");
        String device = d.asText().trim().equalsIgnoreCase(Stage.CPU)
                ? Stage.CPU
                : checkDeviceSyntax(d.asText(), c.source, path + ".device");
        JsonNode l = n.get("layers");
        if (l == null) {
            c.require(
                    only,
                    path + ".layers",
                    "missing: with several stages each names its layers, e.g. \"0-8\" (end exclusive)");
            return new StageSpec(device, "all", 0, -1, path);
        }
        c.require(
                l.isTextual(),
                path + ".layers",
                "must be a string: \"all\", \"A-B\" (layers A..B-1) or \"N\", found " + l);
        String text = l.asText().trim();
        if (text.equals("all")) {
            return new StageSpec(device, text, 0, -1, path);
        }
        Matcher m = RANGE.matcher(text);
        c.require(m.matches(), path + ".layers", "\"" + text + "\" is not \"all\", \"A-B\" (layers A..B-1) nor \"N\"");
        int first, end;
        try {
            first = Integer.parseInt(m.group(1));
            end = m.group(2) == null ? first + 1 : Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            throw c.error(path + ".layers", "\"" + text + "\": layer number too large");
        }
        c.require(
                end > first,
                path + ".layers",
                "\"" + text + "\" is empty: ranges are A-B with B > A, end exclusive (\"0-16\" = layers 0..15)");
        return new StageSpec(device, text, first, end, path);
    }

    private static void checkOverlaps(Ctx c, List<StageSpec> specs) {
        for (int i = 0; i < specs.size(); i++) {
            for (int j = 0; j < i; j++) {
                StageSpec a = specs.get(j), b = specs.get(i);
                boolean overlap = a.end() < 0 || b.end() < 0 || (b.first() < a.end() && a.first() < b.end());
                if (overlap) {
                    throw c.error(
                            b.path() + ".layers",
                            "\"" + b.text() + "\" overlaps " + a.path() + " \"" + a.text() + "\"");
                }
            }
        }
    }

    private static String optionalDevice(Ctx c, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null) {
            return null;
        }
        c.require(n.isTextual(), key, "must be a device id string (\"opencl:0\", \"cpu\", ...)");
        return n.asText().trim().equalsIgnoreCase(Stage.CPU) ? Stage.CPU : checkDeviceSyntax(n.asText(), c.source, key);
    }

    private static String checkDeviceSyntax(String id, String source, String path) {
        if (id.trim().equalsIgnoreCase(Stage.CPU)) {
            return Stage.CPU;
        }
        try {
            return DeviceId.parse(id, null).toString();
        } catch (TornadoDeviceException e) {
            throw new DeviceMapException(
                    source + ": " + path + " \"" + id + "\": not a device id: expected backend:index such as "
                            + "opencl:0, ptx:0, jvm, or cpu for the CPU engine");
        }
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Error construction with the source prefix. */
    record Ctx(String source) {
        DeviceMapException error(String path, String problem) {
            return new DeviceMapException(source + ": " + (path.isEmpty() ? "" : path + " ") + problem);
        }

        void require(boolean ok, String path, String problem) {
            if (!ok) {
                throw error(path, problem);
            }
        }

        void keys(JsonNode object, String path, Set<String> allowed) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    String p = path.isEmpty() ? k : path + "." + k;
                    throw error(
                            p,
                            "unknown key; allowed here: "
                                    + String.join(
                                            ", ", allowed.stream().sorted().toList()));
                }
            }
        }
    }

    // ---------------------------------------------------------------- accessors for the planner

    /** The stages as written; for an even split, computed for {@code layers}. */
    List<StageSpec> stageSpecs(int layers) {
        if (evenSplit == null) {
            return stages;
        }
        if (evenSplit.size() > layers) {
            throw error("", evenSplit.size() + " devices for " + layers + " layers");
        }
        List<StageSpec> specs = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < evenSplit.size(); i++) {
            int count = layers / evenSplit.size() + (i < layers % evenSplit.size() ? 1 : 0);
            specs.add(new StageSpec(
                    evenSplit.get(i), first + "-" + (first + count), first, first + count, "device[" + i + "]"));
            first += count;
        }
        return specs;
    }

    String embedding() {
        return embedding;
    }

    String output() {
        return output;
    }

    double headroom() {
        return headroom;
    }

    boolean cpuOffload() {
        return cpuOffload;
    }

    DeviceMapException error(String path, String problem) {
        return new Ctx(source).error(path, problem);
    }
}
