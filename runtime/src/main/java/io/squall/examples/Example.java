package io.squall.examples;

import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.TornadoProfilerResult;
import io.squall.plan.ExecutionProfile;

/** What the examples share: reading a size argument, running a plan a few times, and one line of results. */
final class Example {
    static final int RUNS = 5;

    private Example() {}

    /** The first argument as a positive int, else {@code dflt}; a bad argument ends the program with a message. */
    static int size(String[] args, int dflt, String what) {
        if (args.length == 0) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(args[0].replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        System.err.println("expected " + what + " as a positive integer, got '" + args[0] + "'");
        System.exit(2);
        return 0;
    }

    /**
     * Executes the plan {@link #RUNS} times and prints the device, the first run (with JIT compilation) and the best
     * later run; returns the last result.
     */
    static TornadoExecutionResult runAndReport(String name, TornadoExecutionPlan plan) {
        return runAndReport(name, plan, () -> {});
    }

    /** As {@link #runAndReport(String, TornadoExecutionPlan)}, calling {@code beforeEachRun} before every execution. */
    static TornadoExecutionResult runAndReport(String name, TornadoExecutionPlan plan, Runnable beforeEachRun) {
        long firstNanos = 0;
        long compileNanos = 0;
        long bestNanos = Long.MAX_VALUE;
        long bestKernelNanos = Long.MAX_VALUE;
        String device = "?";
        TornadoExecutionResult result = null;
        for (int run = 0; run < RUNS; run++) {
            beforeEachRun.run();
            long start = System.nanoTime();
            result = plan.execute();
            long nanos = System.nanoTime() - start;
            TornadoProfilerResult profile = result.getProfilerResult();
            if (run == 0) {
                firstNanos = nanos;
                compileNanos = profile.getCompileTime();
                device = devices(profile);
            } else {
                bestNanos = Math.min(bestNanos, nanos);
                bestKernelNanos = Math.min(bestKernelNanos, profile.getDeviceKernelTime());
            }
        }
        System.out.printf(
                "%s on %s: first run %.2f ms (JIT+build %.2f ms), then best %.3f ms end to end, %.3f ms in kernels%n",
                name, device, firstNanos / 1e6, compileNanos / 1e6, bestNanos / 1e6, bestKernelNanos / 1e6);
        return result;
    }

    private static String devices(TornadoProfilerResult profile) {
        StringBuilder sb = new StringBuilder();
        for (ExecutionProfile.TaskProfile task : profile.getTaskProfiles()) {
            String id = task.device;
            String text = id + " (" + TornadoExecutionPlan.getDevice(id).getDeviceName() + ")"
                    + (task.fellBackToJvm ? " [fell back to jvm]" : "");
            if (sb.indexOf(text) < 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(text);
            }
        }
        return sb.toString();
    }

    /** Prints the verdict and exits with status 1 when the result is wrong. */
    static void verdict(String name, int errors, String detail) {
        if (errors == 0) {
            System.out.println(
                    name + ": result verified against plain Java" + (detail.isEmpty() ? "" : " (" + detail + ")"));
        } else {
            System.out.println(name + ": WRONG RESULT, " + errors + " mismatches; " + detail);
            System.exit(1);
        }
    }
}
