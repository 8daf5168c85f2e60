package io.squall.device.placement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceProperties;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Measured read bandwidth per device, cached in {@code bandwidth.json} under the cache directory
 * ({@code -Dsquall.cacheDir}, else {@code $XDG_CACHE_HOME/squall}, else {@code ~/.cache/squall}), keyed by device id,
 * name and driver version so a different device or driver is measured again. A cache that cannot be read or written
 * is ignored (with a note on stderr): the figure is then measured in every process.
 */
public final class BandwidthCache {
    public static final String FILE_NAME = "bandwidth.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static BandwidthCache standard;

    private final Path file;

    public BandwidthCache(Path file) {
        this.file = file;
    }

    /** The cache in the user's cache directory. */
    public static synchronized BandwidthCache standard() {
        if (standard == null) {
            standard = new BandwidthCache(cacheDirectory().resolve(FILE_NAME));
        }
        return standard;
    }

    public static Path cacheDirectory() {
        String dir = System.getProperty("squall.cacheDir");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "squall");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "squall");
    }

    public Path file() {
        return file;
    }

    static String key(ComputeDevice d) {
        DeviceProperties p = d.properties();
        return d.id() + " | " + p.name() + " | " + p.driverVersion();
    }

    /** The cached figure in bytes/s, or 0 when this device was not measured yet. */
    public synchronized double cached(ComputeDevice device) {
        JsonNode entry = read().get(key(device));
        return entry != null && entry.path("bytesPerSecond").isNumber()
                ? entry.path("bytesPerSecond").asDouble()
                : 0;
    }

    /** The cached figure, measuring it (and saving it) the first time. */
    public synchronized double get(ComputeDevice device) {
        double cached = cached(device);
        if (cached > 0) {
            return cached;
        }
        System.err.println("squall: measuring the memory bandwidth of " + device.id() + " ("
                + device.properties().name() + ") once; cached in " + file);
        BandwidthProbe.Result r = BandwidthProbe.measure(device);
        put(device, r);
        return r.bytesPerSecond();
    }

    /** Records a measurement. */
    public synchronized void put(ComputeDevice device, BandwidthProbe.Result r) {
        ObjectNode all = read();
        ObjectNode e = all.putObject(key(device));
        e.put("bytesPerSecond", r.bytesPerSecond());
        e.put("bufferBytes", r.bufferBytes());
        e.put("kernel", "copy (bytes read + bytes written per second, best of " + r.runs() + " runs)");
        e.put("measured", Instant.now().toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "bandwidth", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e2) {
            System.err.println("squall: cannot write the bandwidth cache " + file + ": " + e2.getMessage());
        }
    }

    private ObjectNode read() {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            System.err.println("squall: ignoring the unreadable bandwidth cache " + file + ": " + e.getMessage());
        }
        return JSON.createObjectNode();
    }
}
