package io.squall.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.squall.llama.Completion;
import io.squall.llama.GenerationRequest;
import io.squall.llama.Llama;
import io.squall.llama.Sampling;
import io.squall.model.chat.ChatMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What both chat models share: the loaded model, default settings, and the translation to and from LangChain4j. */
final class SquallModels {
    private SquallModels() {}

    /** The settings a builder collects. */
    record Settings(
            Llama llama,
            boolean ownsModel,
            String modelName,
            Double temperature,
            Double topP,
            Integer topK,
            Integer maxTokens,
            Long seed,
            List<String> stop) {}

    static Settings settings(
            Llama shared,
            Path modelPath,
            String device,
            Integer contextSize,
            Integer threads,
            Integer parallel,
            Double temperature,
            Double topP,
            Integer topK,
            Integer maxTokens,
            Long seed,
            List<String> stop) {
        if (maxTokens != null && maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (temperature != null && !(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (shared != null) {
            if (modelPath != null) {
                throw new IllegalArgumentException("give either llama(...) or modelPath(...), not both");
            }
            return new Settings(shared, false, shared.name(), temperature, topP, topK, maxTokens, seed, stop);
        }
        if (modelPath == null) {
            throw new IllegalArgumentException("modelPath is required (or llama(...) to share a loaded model)");
        }
        Llama.Options.Builder o = Llama.Options.builder();
        if (device != null) {
            o.device(device);
        }
        if (contextSize != null) {
            o.contextSize(contextSize);
        }
        if (threads != null) {
            o.threads(threads);
        }
        if (parallel != null) {
            o.parallel(parallel);
        }
        try {
            Llama llama = Llama.load(modelPath, o.build());
            return new Settings(llama, true, llama.name(), temperature, topP, topK, maxTokens, seed, stop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + modelPath + ": " + e.getMessage(), e);
        }
    }

    /** The Squall request for a LangChain4j request; its parameters override the model's defaults. */
    static GenerationRequest request(Settings s, ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by Squall's chat models");
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("JSON response format is not supported by Squall's chat models");
        }
        Sampling.Builder sampling = Sampling.builder();
        Double temperature = p.temperature() != null ? p.temperature() : s.temperature();
        if (temperature != null) {
            sampling.temperature(temperature);
        }
        Double topP = p.topP() != null ? p.topP() : s.topP();
        if (topP != null) {
            sampling.topP(topP);
        }
        Integer topK = p.topK() != null ? p.topK() : s.topK();
        if (topK != null) {
            sampling.topK(topK);
        }
        if (s.seed() != null) {
            sampling.seed(s.seed());
        }
        Integer max = p.maxOutputTokens() != null ? p.maxOutputTokens() : s.maxTokens();
        List<String> stop = p.stopSequences() != null && !p.stopSequences().isEmpty() ? p.stopSequences() : s.stop();
        return GenerationRequest.chat(messages(request.messages()))
                .maxTokens(max != null ? max : s.llama().contextSize())
                .sampling(sampling.build())
                .stop(stop != null ? stop : List.of())
                .build();
    }

    static List<ChatMessage> messages(List<dev.langchain4j.data.message.ChatMessage> in) {
        List<ChatMessage> out = new ArrayList<>();
        for (dev.langchain4j.data.message.ChatMessage m : in) {
            switch (m) {
                case SystemMessage sm -> out.add(ChatMessage.system(sm.text()));
                case UserMessage um -> out.add(ChatMessage.user(text(um)));
                case AiMessage am -> {
                    if (am.hasToolExecutionRequests()) {
                        throw new UnsupportedFeatureException(
                                "tool execution requests are not supported by Squall's chat models");
                    }
                    out.add(ChatMessage.assistant(am.text() != null ? am.text() : ""));
                }
                default ->
                    throw new UnsupportedFeatureException(
                            m.type() + " messages are not supported by Squall's chat models");
            }
        }
        return out;
    }

    private static String text(UserMessage m) {
        if (m.hasSingleText()) {
            return m.singleText();
        }
        StringBuilder sb = new StringBuilder();
        for (Content c : m.contents()) {
            if (!(c instanceof TextContent t)) {
                throw new UnsupportedFeatureException(
                        c.type() + " content is not supported by Squall's chat models (text only)");
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    static ChatResponse response(Settings s, Completion c) {
        FinishReason reason = switch (c.finishReason()) {
            case STOP, CANCELLED -> FinishReason.STOP;
            case LENGTH, CONTEXT_FULL -> FinishReason.LENGTH;
            case TIMEOUT -> FinishReason.OTHER;
        };
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(c.text()))
                .modelName(s.modelName())
                .tokenUsage(new TokenUsage(c.promptTokens(), c.completionTokens()))
                .finishReason(reason)
                .build();
    }
}
