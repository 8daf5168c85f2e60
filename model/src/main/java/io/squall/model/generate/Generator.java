package io.squall.model.generate;

import io.squall.model.llama.ContextWindowExceededException;
import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.NaNLogitsException;
import io.squall.model.sampling.Sampler;
import io.squall.model.tokenizer.StreamingDecoder;
import io.squall.model.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The generation loop over one engine: prefill the prompt, then sample, stream and feed back tokens until an
 * end-of-generation token, the token budget or the end of the context window.
 * <p>
 * It remembers which tokens the engine's cache holds, so a following prompt that starts with them (the next turn
 * of a chat) only runs the new part.
 */
public final class Generator {
    private final InferenceEngine engine;
    private final Tokenizer tokenizer;
    private final int[] cached;     // tokens whose keys/values are in the engine's cache, in order
    private int cachedLength;

    public Generator(InferenceEngine engine) {
        this.engine = engine;
        this.tokenizer = engine.model().tokenizer();
        this.cached = new int[engine.contextSize()];
    }

    public InferenceEngine engine() {
        return engine;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Forgets the cache contents: the next prompt runs from position 0. */
    public void reset() {
        cachedLength = 0;
    }

    /**
     * Whether {@code token} ends a generation: the vocabulary's end-of-generation tokens (EOS, EOT), and BOS, which a
     * model only produces when it starts a new document (llama2.c's stories models do this between stories).
     */
    public boolean isStop(int token) {
        return tokenizer.isEndOfGeneration(token) || token == tokenizer.bos();
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt}.
     *
     * @param topLogprobs N alternatives per token for logprobs; negative: no logprobs
     * @param onText      receives the text as it completes (may be null)
     * @throws ContextWindowExceededException when the prompt itself does not fit the window
     */
    public GenerationResult generate(int[] prompt, int maxTokens, Sampler sampler, int topLogprobs, Consumer<String> onText) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt: give at least one token (e.g. BOS)");
        }
        if (prompt.length > engine.contextSize()) {
            throw new ContextWindowExceededException(prompt.length, engine.contextSize(), engine.model().config().contextLength());
        }
        long start = System.nanoTime();
        // reuse the cached prefix; the last prompt token always runs, to get its logits
        int reuse = Math.min(commonPrefix(prompt), prompt.length - 1);
        float[] logits = NaNLogitsException.check(engine.prefill(prompt, reuse, prompt.length - reuse, reuse), prompt.length - 1);
        System.arraycopy(prompt, 0, cached, 0, prompt.length);
        cachedLength = prompt.length;
        long promptNanos = System.nanoTime() - start;

        start = System.nanoTime();
        StreamingDecoder stream = tokenizer.streamingDecoder();
        for (int t : prompt) {
            stream.push(t);   // so the first generated piece is decoded in context (e.g. keeps its leading space)
        }
        List<TokenLogprob> logprobs = new ArrayList<>();
        // sized by what the window can hold (the last token is never fed back), not by maxTokens, which may be huge
        int[] generated = new int[Math.max(0, Math.min(maxTokens, engine.contextSize() - prompt.length + 1))];
        int count = 0;
        GenerationResult.StopReason reason = GenerationResult.StopReason.MAX_TOKENS;
        // greedy without penalty or logprobs needs no logits on the host: the engine picks the token (on its device)
        boolean engineChooses = sampler.settings().isGreedy() && sampler.settings().repeatPenalty() == 1f && topLogprobs < 0;
        // top-k sampling without penalty or logprobs needs only k (id, logit) pairs: the engine picks them (on its device)
        boolean engineTopK = !engineChooses && topLogprobs < 0 && sampler.needsOnlyTopK(engine.topKCapacity());
        int[] topIds = engineTopK ? new int[sampler.candidateCount()] : null;
        float[] topLogits = engineTopK ? new float[sampler.candidateCount()] : null;
        int chosen = -1;
        while (count < maxTokens) {
            int token = chosen >= 0 ? chosen : sampler.sample(logits, cached, cachedLength);
            if (isStop(token)) {
                reason = GenerationResult.StopReason.END_OF_GENERATION;
                break;
            }
            if (topLogprobs >= 0) {
                logprobs.add(logprob(logits, token, topLogprobs));
            }
            generated[count++] = token;
            if (onText != null) {
                String piece = stream.push(token);
                if (!piece.isEmpty()) {
                    onText.accept(piece);
                }
            }
            if (count == maxTokens) {
                break;
            }
            if (cachedLength == engine.contextSize()) {
                reason = GenerationResult.StopReason.CONTEXT_FULL;
                break;
            }
            if (engineChooses) {
                chosen = engine.forwardGreedy(token, cachedLength);
            } else if (engineTopK) {
                int found = engine.forwardTopK(token, cachedLength, topIds.length, topIds, topLogits);
                if (found == 0 && topIds.length > 0) {   // the engine never picks NaN: none found means the row was NaN
                    throw new NaNLogitsException(cachedLength);
                }
                chosen = sampler.sampleCandidates(topIds, topLogits, found);
            } else {
                logits = NaNLogitsException.check(engine.forward(token, cachedLength), cachedLength);
            }
            cached[cachedLength++] = token;
        }
        int[] tokens = Arrays.copyOf(generated, count);
        if (onText != null) {
            String rest = stream.flush();
            if (!rest.isEmpty()) {
                onText.accept(rest);
            }
        }
        return new GenerationResult(tokens, continuation(prompt, tokens), logprobs, reason, prompt.length, prompt.length - reuse,
                promptNanos, System.nanoTime() - start);
    }

    /** The text the tokens add after the prompt (decoding them alone would drop a leading space for SentencePiece). */
    private String continuation(int[] prompt, int[] tokens) {
        int[] all = Arrays.copyOf(prompt, prompt.length + tokens.length);
        System.arraycopy(tokens, 0, all, prompt.length, tokens.length);
        String before = tokenizer.decode(prompt);
        String after = tokenizer.decode(all);
        return after.startsWith(before) ? after.substring(before.length()) : tokenizer.decode(tokens);
    }

    private int commonPrefix(int[] prompt) {
        int n = Math.min(cachedLength, prompt.length);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) {
            i++;
        }
        return i;
    }

    /** Log-softmax of the raw logits at {@code token}, and the {@code top} most likely tokens. */
    public TokenLogprob logprob(float[] logits, int token, int top) {
        double logNormalizer = Sampler.logSumExp(logits);
        int[] best = Sampler.topIndices(logits, top);
        List<TokenLogprob.Alternative> alternatives = new ArrayList<>(best.length);
        for (int id : best) {
            alternatives.add(new TokenLogprob.Alternative(id, pieceText(id), logits[id] - logNormalizer));
        }
        return new TokenLogprob(token, pieceText(token), logits[token] - logNormalizer, alternatives);
    }

    /** The token's own text (its bytes as UTF-8; a piece of a split character shows as U+FFFD). */
    private String pieceText(int id) {
        return new String(tokenizer.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8);
    }
}
