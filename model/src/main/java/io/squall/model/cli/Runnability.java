package io.squall.model.cli;

import io.squall.model.accel.AcceleratedEngine;
import io.squall.model.chat.jinja.JinjaException;
import io.squall.model.chat.jinja.JinjaTemplate;
import io.squall.model.gguf.GGUFFile;
import io.squall.model.gguf.TensorInfo;
import io.squall.model.llama.LlamaConfig;
import io.squall.model.llama.LlamaModel;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.WeightMatrix;
import io.squall.model.tokenizer.GGUFVocabulary;
import io.squall.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Whether Squall can run a GGUF file, and if not everything that is missing: the architecture and hyper-parameters,
 * tensor types the CPU engine cannot decode, tensors a Llama needs that are absent or that it would ignore (biases),
 * the tokenizer (model and pre-tokenizer), and what keeps it off accelerated devices. The chat template is reported
 * but never blocks (built-in formats remain).
 *
 * @param problems  what stops the CPU engine (empty: it runs)
 * @param notes     what else to know (accelerated devices, chat template)
 */
record Runnability(List<String> problems, List<String> notes) {

    private static final Pattern LAYER_TENSOR = Pattern.compile(
            "blk\\.(\\d+)\\.(attn_norm|attn_q|attn_k|attn_v|attn_output|ffn_norm|ffn_gate|ffn_up|ffn_down)\\.weight");
    private static final List<String> LAYER_PARTS = List.of(
            "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down");

    static Runnability of(GGUFFile gguf) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (gguf.tensors().isEmpty()) {
            problems.add("the file holds no tensors (a vocabulary only)");
        }
        LlamaConfig config = null;
        try {
            config = LlamaConfig.fromModelFile(gguf);
        } catch (IllegalArgumentException e) {
            problems.add("hyper-parameters: " + e.getMessage());
        }
        Map<GGMLType, List<String>> cpuMissing = new TreeMap<>();
        Map<GGMLType, Integer> deviceMissing = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        for (TensorInfo t : gguf.tensors()) {
            if (!WeightMatrix.supports(t.type())) {
                cpuMissing.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(t.name());
            } else if (!AcceleratedEngine.devicesSupport(t.type())) {
                deviceMissing.merge(t.type(), 1, Integer::sum);
            }
            boolean known = LAYER_TENSOR.matcher(t.name()).matches()
                    || List.of("token_embd.weight", "output_norm.weight", "output.weight", "rope_freqs.weight")
                            .contains(t.name());
            if (!known) {
                unknown.add(t.name());
            }
        }
        cpuMissing.forEach((type, names) -> problems.add("tensor type " + type + " is not supported (" + names.size()
                + " tensors, e.g. " + names.getFirst()
                + "); Squall decodes F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL,"
                + " Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS"));
        if (!unknown.isEmpty()) {
            problems.add(unknown.size() + " tensors a Llama does not have, which Squall would ignore: "
                    + String.join(", ", unknown.subList(0, Math.min(5, unknown.size())))
                    + (unknown.size() > 5 ? ", ..." : ""));
        }
        if (config != null) {
            List<String> absent = new ArrayList<>();
            for (String name : List.of("token_embd.weight", "output_norm.weight")) {
                if (gguf.tensor(name) == null) {
                    absent.add(name);
                }
            }
            for (int l = 0; l < config.layers(); l++) {
                for (String part : LAYER_PARTS) {
                    if (gguf.tensor("blk." + l + "." + part + ".weight") == null) {
                        absent.add("blk." + l + "." + part + ".weight");
                    }
                }
            }
            if (!absent.isEmpty()) {
                problems.add(absent.size() + " tensors missing: "
                        + String.join(", ", absent.subList(0, Math.min(5, absent.size())))
                        + (absent.size() > 5 ? ", ..." : ""));
            }
        }
        if (!gguf.has("tokenizer.ggml.tokens")) {
            problems.add("tokenizer: no tokenizer.ggml.tokens (the vocabulary)");
        } else {
            try {
                Tokenizer.fromGGUF(gguf);
            } catch (IllegalArgumentException e) {
                problems.add("tokenizer: " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            try {
                LlamaModel.from(gguf, s -> {}); // everything the CPU engine maps and checks when it loads
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!deviceMissing.isEmpty()) {
            List<String> types = new ArrayList<>();
            deviceMissing.forEach((type, n) -> types.add(type + " (" + n + " tensors)"));
            notes.add("accelerated devices: not yet: tensor types " + String.join(", ", types)
                    + " are not yet supported on accelerated devices (the CPU engine runs them: --device cpu)");
        } else if (problems.isEmpty()) {
            notes.add("accelerated devices: every tensor type has device kernels");
        }
        String template = gguf.getString(GGUFVocabulary.CHAT_TEMPLATE, null);
        if (template == null) {
            notes.add("chat template: none in the file; the built-in Llama format of the vocabulary is used");
        } else {
            try {
                JinjaTemplate.parse(template);
                notes.add(
                        "chat template: tokenizer.chat_template (" + template.length() + " chars), rendered as Jinja");
            } catch (JinjaException e) {
                notes.add("chat template: tokenizer.chat_template cannot be parsed (" + e.getMessage()
                        + "); the built-in Llama format its markers name is used, or pass --chat-template");
            }
        }
        return new Runnability(problems, notes);
    }

    boolean runs() {
        return problems.isEmpty();
    }
}
