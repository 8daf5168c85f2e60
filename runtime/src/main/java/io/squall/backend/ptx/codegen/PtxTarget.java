package io.squall.backend.ptx.codegen;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPU architecture PTX is written for ({@code sm_80}, {@code sm_90}, ...) and the PTX ISA version that goes
 * with it: the oldest version that supports the architecture (at least 7.0), so the module loads on every driver
 * new enough for the GPU and assembles with every ptxas from CUDA 11.8 on.
 */
public record PtxTarget(int major, int minor, boolean archSpecific) {
    private static final Pattern SM = Pattern.compile("sm_(\\d)(\\d+)(a?)");

    /** The target when none is given (offline emission): Ampere, the oldest architecture CUDA 13's ptxas still fully supports. */
    public static final PtxTarget DEFAULT = new PtxTarget(8, 0, false);

    public PtxTarget {
        if (major < 7) {
            throw new IllegalArgumentException(
                    "the PTX backend needs compute capability 7.0 (sm_70) or newer, not sm_" + major + minor);
        }
    }

    public static PtxTarget of(int major, int minor) {
        return new PtxTarget(major, minor, false);
    }

    /** Parses {@code sm_90}, {@code sm_86}, {@code sm_90a}; null or blank gives {@link #DEFAULT}. */
    public static PtxTarget parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        Matcher m = SM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "PTX target '" + text + "' is not of the form sm_XY (e.g. sm_80, sm_90)");
        }
        return new PtxTarget(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                !m.group(3).isEmpty());
    }

    /** {@code sm_90}, {@code sm_90a}. */
    public String sm() {
        return "sm_" + major + minor + (archSpecific ? "a" : "");
    }

    public int capability() {
        return major * 10 + minor;
    }

    /** The PTX ISA version written in {@code .version}. */
    public String isaVersion() {
        int cc = capability();
        if (cc >= 120) return "8.7";
        if (cc >= 100) return "8.6";
        if (cc >= 89) return "7.8";
        if (cc >= 87) return "7.4";
        if (cc >= 86) return "7.1";
        return "7.0";
    }

    @Override
    public String toString() {
        return sm();
    }
}
