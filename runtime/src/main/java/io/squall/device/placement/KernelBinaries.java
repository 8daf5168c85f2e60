package io.squall.device.placement;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Precompiled kernel binaries named by a device entry of devices.json ({@code "binaries"}): either a directory
 * holding {@code <graph>.<task>.bin} files (as {@code tornado --aot-build} writes them), or an object mapping
 * kernel entry-point names to files. {@code jsonPath} is where they were named, for errors.
 */
public record KernelBinaries(Path directory, Map<String, Path> byEntryName, String jsonPath) {
    /** File extension of binaries in a directory. */
    public static final String EXTENSION = ".bin";

    public KernelBinaries {
        byEntryName = byEntryName == null ? Map.of() : Map.copyOf(byEntryName);
    }

    /** The binary for a task ({@code graph.task}) whose kernel has entry point {@code entryName}, or null. */
    public Path find(String taskName, String entryName) {
        Path p = byEntryName.get(entryName);
        if (p != null) {
            return p;
        }
        if (directory != null) {
            Path f = directory.resolve(taskName + EXTENSION);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    /** "directory aot/fpga0" or "3 kernel binaries". */
    public String describe() {
        return directory != null ? "directory " + directory : byEntryName.size() + " kernel binaries";
    }

    static KernelBinaries parse(String source, String path, JsonNode n, Path baseDir, String deviceId) {
        DeviceMap.Ctx c = new DeviceMap.Ctx(source);
        if (n.isTextual()) {
            Path dir = baseDir.resolve(n.asText());
            c.require(Files.isDirectory(dir), path, "\"" + n.asText() + "\": no such directory (" + dir + ")");
            return new KernelBinaries(dir, Map.of(), path);
        }
        c.require(
                n.isObject(),
                path,
                "must be a directory of <graph>.<task>.bin files or an object {\"kernelEntryName\": \"file\"}");
        c.require(!n.isEmpty(), path, "is empty");
        Map<String, Path> files = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            c.require(
                    e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*"),
                    p,
                    "is not a kernel entry-point name (a C identifier)");
            c.require(e.getValue().isTextual(), p, "must be the path of a binary file");
            Path f = baseDir.resolve(e.getValue().asText());
            c.require(
                    Files.isRegularFile(f),
                    p,
                    "\"" + e.getValue().asText() + "\": no such file (" + f + ") for device " + deviceId);
            files.put(e.getKey(), f);
        }
        return new KernelBinaries(null, files, path);
    }
}
