package io.squall.model.accel;

import io.squall.model.llama.LlamaModel;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs in a forked JVM (so POCL_DEVICES can be set before the OpenCL loader starts): greedy tokens of a model on a
 * --device value, printed as one line "tokens [..]". Arguments: model path, device value, context, count, prompt ids.
 */
public final class SplitGenerationMain {
    public static void main(String[] args) throws Exception {
        try (LlamaModel model = LlamaModel.load(Path.of(args[0]), null)) {
            int context = Integer.parseInt(args[2]);
            int count = Integer.parseInt(args[3]);
            int[] prompt = Arrays.stream(args[4].split(","))
                    .mapToInt(Integer::parseInt)
                    .toArray();
            try (var engine = Engines.create(model, context, args[1], null)) {
                System.out.println("stages " + Engines.describe(engine));
                System.out.println("tokens " + Arrays.toString(AcceleratedEngineTest.greedy(engine, prompt, count)));
            }
        }
    }
}
