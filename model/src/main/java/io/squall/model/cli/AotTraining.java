package io.squall.model.cli;

import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.WeightMatrix;

/**
 * The training run of the `llama` command's AOT cache (scripts/setup, JDK 25's -XX:AOTCacheOutput): the command run
 * once per model given, in one JVM, so that the cache holds the classes and method profiles of every tensor type's
 * kernels (a Q4_K_M model alone leaves Q4_0's and Q8_0's to be profiled again on each cold start).
 */
public final class AotTraining {
    private AotTraining() {}

    /** Arguments: GGUF model files; each gets a prompt long enough for the batched prefill and a few tokens. */
    public static void main(String[] models) {
        if (models.length == 0) {
            System.err.println("usage: AotTraining MODEL.gguf...");
            System.exit(2);
        }
        String prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park"
                + " with her friends and her big red ball.";
        // every repacked type's kernels to their full warm-up, for their profiles: the command's own warm-up stops
        // when the tiny models' engines start, before most kernels were hot
        for (GGMLType type : new GGMLType[] {GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K}) {
            WeightMatrix.warmUp(type, 2000, true);
        }
        for (String model : models) {
            int code = LlamaCli.commandLine().execute("--model", model, "-p", prompt, "-n", "16", "--temperature", "0");
            if (code != 0) {
                System.err.println("AotTraining: the llama command failed on " + model + " (exit " + code + ")");
                System.exit(code);
            }
        }
        System.exit(0);
    }
}
