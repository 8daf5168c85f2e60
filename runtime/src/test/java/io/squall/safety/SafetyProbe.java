package io.squall.safety;

import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid1D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.backend.ComputeDevice;
import io.squall.device.Devices;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one misuse case in its own JVM (see {@link ForkedJvm}) and prints {@code key=value} lines; a crash of this JVM is
 * the failure the tests look for. Usage: {@code SafetyProbe <case> [device] [checked|default] [variant]}.
 */
public final class SafetyProbe {
    private SafetyProbe() {}

    public static void main(String[] args) throws Exception {
        String device = args.length > 1 ? args[1] : "jvm";
        boolean checked = args.length > 2 && args[2].equals("checked");
        switch (args[0]) {
            case "sigfpe" -> sigfpe();
            case "divide" -> run(device, () -> divide(device, checked));
            case "oob" -> run(device, () -> outOfBounds(device, checked, args[3]));
            case "grid" -> run(device, () -> hugeGrid(device));
            case "aot" -> run("opencl:0", () -> loadBinaries(java.nio.file.Path.of(args[1])));
            default -> throw new IllegalArgumentException("unknown case " + args[0]);
        }
        System.out.println("done");
    }

    /** A probe's body: plans throw the checked TornadoExecutionPlanException from close(), as in TornadoVM. */
    private interface Body {
        void run() throws Exception;
    }

    private static void run(String device, Body body) {
        ComputeDevice d;
        try {
            d = Devices.get(device);
        } catch (RuntimeException e) {
            System.out.println("skip=" + e.getMessage().replace('\n', ' '));
            return;
        }
        System.out.println("device=" + d.id() + " (" + d.properties().name() + ")");
        try {
            body.run();
        } catch (Exception e) {
            System.out.println("error=" + (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' '));
        }
    }

    // ------------------------------------------------------------ host division around device discovery

    static int divide(int a, int b) {
        return a / b;
    }

    static int remainder(int a, int b) {
        return a % b;
    }

    /** "throws" when a / 0 and a % 0 both throw ArithmeticException, else what they returned. */
    private static String hostDivision() {
        String q, r;
        try {
            q = "returned " + divide(10, zero);
        } catch (ArithmeticException e) {
            q = "throws";
        }
        try {
            r = "returned " + remainder(1234, zero);
        } catch (ArithmeticException e) {
            r = "throws";
        }
        return q.equals(r) ? q : q + "/" + r;
    }

    static volatile int zero = 0;
    static volatile long sink;

    private static void sigfpe() {
        System.out.println("before=" + hostDivision()); // interpreted: first calls
        Devices.all(); // discovery: loads every driver (PoCL among them)
        TornadoExecutionPlan.getDevice("jvm");
        System.out.println("after=" + hostDivision());
        long sum = 0;
        for (int i = 1; i < 300_000; i++) { // with -Xbatch both methods are compiled after this
            sum += divide(i, 7) + remainder(i, 5);
        }
        System.out.println("warm=" + sum);
        System.out.println("compiled=" + hostDivision());
        System.out.println("inline=" + inlineDivision());
    }

    private static String inlineDivision() {
        int bad = 0;
        for (int i = 0; i < 200_000; i++) {
            try {
                sink += i / zero;
            } catch (ArithmeticException e) {
                bad++;
            }
        }
        return bad == 200_000 ? "throws" : "returned " + (200_000 - bad) + " times";
    }

    // ------------------------------------------------------------ kernel division

    static final int[] A = {10, Integer.MIN_VALUE, Integer.MIN_VALUE, 7, -7, 1234, 5, -9};
    static final int[] B = {0, -1, 0, -2, 2, 0, 3, -1};
    static final long[] AL = {10, Long.MIN_VALUE, Long.MIN_VALUE, 7, -7, 1234, 5, -9};
    static final long[] BL = {0, -1, 0, -2, 2, 0, 3, -1};

    private static void divide(String device, boolean checked) throws Exception {
        IntArray a = IntArray.fromArray(A),
                b = IntArray.fromArray(B),
                q = new IntArray(A.length),
                r = new IntArray(A.length);
        LongArray al = LongArray.fromArray(AL),
                bl = LongArray.fromArray(BL),
                ql = new LongArray(AL.length),
                rl = new LongArray(AL.length);
        TaskGraph g = new TaskGraph("s")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b, al, bl)
                .task("divide", SafetyKernels::divide, a, b, q, r)
                .task("divideLong", SafetyKernels::divideLong, al, bl, ql, rl)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, q, r, ql, rl);
        try (TornadoExecutionPlan plan = plan(g, device, checked)) {
            plan.execute();
        }
        System.out.println("q=" + Arrays.toString(q.toHeapArray()));
        System.out.println("r=" + Arrays.toString(r.toHeapArray()));
        System.out.println("ql=" + Arrays.toString(ql.toHeapArray()));
        System.out.println("rl=" + Arrays.toString(rl.toHeapArray()));
    }

    private static TornadoExecutionPlan plan(TaskGraph g, String device, boolean checked) {
        TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device));
        return checked ? plan.withBoundsChecks() : plan;
    }

    // ------------------------------------------------------------ out-of-bounds accesses

    static final int N = 100;

    private static void outOfBounds(String device, boolean checked, String variant) throws Exception {
        int offset = switch (variant) {
            case "onePast", "readOnePast" -> 1;
            case "farPast", "readFarPast" -> 1 << 24;
            case "negative", "readNegative" -> -(1 << 20);
            default -> throw new IllegalArgumentException(variant);
        };
        // Neighbours on both sides, on the host heap and in device memory, so a stray write has something to hit.
        List<FloatArray> neighbours = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FloatArray n = new FloatArray(N);
            n.init(7f);
            neighbours.add(n);
        }
        FloatArray in = new FloatArray(N), out = new FloatArray(N);
        for (int i = 0; i < N; i++) {
            in.set(i, i);
        }
        TaskGraph g = new TaskGraph("oob")
                .transferToDevice(
                        DataTransferMode.EVERY_EXECUTION,
                        neighbours.subList(0, 4).toArray())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in, out)
                .transferToDevice(
                        DataTransferMode.EVERY_EXECUTION,
                        neighbours.subList(4, 8).toArray());
        g = variant.startsWith("read")
                ? g.task("read", SafetyKernels::readAt, in, out, offset)
                : g.task("write", SafetyKernels::writeAt, out, offset);
        for (int i = 0; i < 8; i++) { // the neighbours are kept on the device by a task that reads them
            g = g.task("keep" + i, SafetyKernels::readAt, neighbours.get(i), neighbours.get(i), 0);
        }
        g = g.transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, neighbours.toArray());
        try (TornadoExecutionPlan plan = plan(g, device, checked)) {
            plan.execute();
            System.out.println("outcome=ran");
        } finally {
            boolean intact = neighbours.stream().allMatch(n -> Arrays.equals(n.toHeapArray(), filled(N, 7f)));
            System.out.println("neighbours=" + (intact ? "intact" : "corrupt"));
            float[] o = out.toHeapArray();
            System.out.println("out0=" + o[0] + " out98=" + o[N - 2] + " out99=" + o[N - 1]);
            churn();
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Allocates and frees native memory, so a corrupted malloc heap shows up here rather than later. */
    private static void churn() {
        for (int i = 0; i < 2000; i++) {
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                arena.allocate(16 + (i % 64) * 24L);
            }
        }
        System.gc();
    }

    // ------------------------------------------------------------ AOT binaries

    /** Loads the binaries a devices.json names, as placing a model does. */
    private static void loadBinaries(java.nio.file.Path devicesJson) throws Exception {
        io.squall.device.placement.DeviceMap.load(devicesJson)
                .installKernelBinaries()
                .close();
        System.out.println("outcome=loaded");
    }

    // ------------------------------------------------------------ launch sizes

    private static void hugeGrid(String device) throws Exception {
        IntArray out = new IntArray(16);
        TaskGraph g = new TaskGraph("grid")
                .task("ids", SafetyKernels::identity, new KernelContext(), out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice(device))
                .withGridScheduler(new GridScheduler("grid.ids", new WorkerGrid1D(1L << 31)))) {
            plan.execute();
            System.out.println("outcome=ran");
        }
    }
}
