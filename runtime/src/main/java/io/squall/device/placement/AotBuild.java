package io.squall.device.placement;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.ComputeDevice;
import io.squall.backend.opencl.OpenCLDevice;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.backend.opencl.driver.CLBuildException;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.device.Devices;
import io.squall.jit.CompileOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Ahead-of-time kernel build: compiles the OpenCL C files that {@code tornado --emit opencl --out DIR} wrote
 * ({@code <graph>.<task>.cl}) with one device's driver and saves each program's device binary as {@code <graph>.<task>.bin},
 * for a devices.json entry {@code {"id": "opencl:N", "binaries": "OUT", "jit": false}}, and their SHA-256 checksums in
 * {@code OUT/SHA256SUMS} ({@link BinaryManifest}), checked before a binary is loaded.
 * Run: {@code scripts/tornado io.squall.device.placement.AotBuild --device opencl:0 --in DIR --out DIR}.
 * (A vendor's offline compiler, e.g. for an FPGA, takes the same .cl files and writes the same .bin names.)
 */
@Command(
        name = "aot-build",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Builds the OpenCL C kernels written by `tornado --emit opencl --out DIR` for one device and saves "
                    + "their device binaries (<graph>.<task>.bin), to be loaded with clCreateProgramWithBinary through devices.json:",
            "  {\"devices\": [{\"id\": \"opencl:0\", \"binaries\": \"OUT\", \"jit\": false}], \"stages\": ...}"
        })
public final class AotBuild implements Callable<Integer> {
    @Option(
            names = "--device",
            required = true,
            paramLabel = "ID",
            description = "The OpenCL device to build for, e.g. opencl:0.")
    String device;

    @Option(
            names = "--in",
            required = true,
            paramLabel = "DIR",
            description = "Directory with the emitted <graph>.<task>.cl files.")
    Path in;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory for the binaries (created if missing).")
    Path out;

    @Option(
            names = "--fastMath",
            description = "Build with fast, relaxed math (must match how the program runs; default precise).")
    boolean fastMath;

    /** One built kernel. */
    public record Built(Path source, Path binary, long bytes, long nanos) {}

    @Override
    public Integer call() {
        List<Built> built = build(device, in, out, fastMath, System.out);
        System.out.println("aot-build: " + built.size() + " binaries for " + device + " in " + out);
        return 0;
    }

    /**
     * Builds every {@code *.cl} file of {@code in} for {@code deviceId} and writes {@code <name>.bin} into {@code out}.
     * A build failure is an error naming the file, the device and the driver's log.
     */
    public static List<Built> build(String deviceId, Path in, Path out, boolean fastMath, PrintStream progress) {
        ComputeDevice d = Devices.get(deviceId, "--device");
        if (!(d instanceof OpenCLDevice cl)) {
            throw new TornadoRuntimeException(
                    "--device " + deviceId + ": only OpenCL devices build binaries ahead of time");
        }
        List<Path> sources;
        try (Stream<Path> s = Files.list(in)) {
            sources = s.filter(p -> p.getFileName().toString().endsWith(".cl"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --in " + in + ": " + e.getMessage(), e);
        }
        if (sources.isEmpty()) {
            throw new TornadoRuntimeException(
                    "--in " + in + " holds no .cl files: write them with `tornado --emit opencl --out " + in + " ...`");
        }
        String options = OpenCLEmitter.buildOptions(new CompileOptions(fastMath, false));
        List<Built> built = new ArrayList<>();
        try {
            Files.createDirectories(out);
            for (Path src : sources) {
                String name = src.getFileName().toString();
                Path bin = out.resolve(name.substring(0, name.length() - ".cl".length()) + KernelBinaries.EXTENSION);
                long start = System.nanoTime();
                byte[] binary;
                try (CLProgram program = cl.context().buildSource(Files.readString(src), options)) {
                    binary = program.binary();
                } catch (CLBuildException e) {
                    throw new TornadoRuntimeException(
                            "aot-build: " + src + " does not build on " + deviceId + " ("
                                    + d.properties().name() + "):\n" + e.buildLog(),
                            e);
                }
                Files.write(bin, binary);
                long nanos = System.nanoTime() - start;
                if (progress != null) {
                    progress.printf(
                            "aot-build: %s -> %s (%d bytes, %.0f ms)%n",
                            src.getFileName(), bin, binary.length, nanos / 1e6);
                }
                built.add(new Built(src, bin, binary.length, nanos));
            }
            BinaryManifest.record(out, built.stream().map(Built::binary).toList());
            Map<String, byte[]> sourcesByBinary = new java.util.TreeMap<>();
            for (Built b : built) {
                sourcesByBinary.put(b.binary().getFileName().toString(), Files.readAllBytes(b.source()));
            }
            BinaryManifest.recordSources(out, sourcesByBinary);
        } catch (IOException e) {
            throw new UncheckedIOException("aot-build: " + e.getMessage(), e);
        }
        return built;
    }

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new AotBuild());
        cmd.setExecutionExceptionHandler((e, c, p) -> {
            System.err.println(e.getMessage());
            return 1;
        });
        System.exit(cmd.execute(args));
    }
}
