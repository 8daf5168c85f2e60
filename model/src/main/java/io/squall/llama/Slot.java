package io.squall.llama;

import io.squall.model.llama.InferenceEngine;
import io.squall.model.llama.NaNLogitsException;
import io.squall.model.sampling.Sampler;
import io.squall.model.tokenizer.StreamingDecoder;
import io.squall.model.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One sequence slot: an engine with its own key/value cache, the tokens that cache holds, and the state of the
 * generation it runs (sampler, streaming decoder, stop strings, logprobs). Used by the scheduler's thread only.
 */
final class Slot {
    final InferenceEngine engine;
    private final Tokenizer tokenizer;
    private final int[] cached; // tokens whose keys/values are in the engine's cache, in order
    private int cachedLength;
    final float[] logits; // the current step's logits (a copy of the engine's row)

    Generation generation; // null when free
    private Sampler sampler;
    private StreamingDecoder decoder;
    private StopStrings stops;
    private final StringBuilder text = new StringBuilder();
    private int[] generated;
    private int count;
    private List<TokenLogprob> logprobs;
    private int promptEvaluated;
    private long promptNanos, generationStart;
    private boolean engineChooses, engineTopK;
    private int[] topIds;
    private float[] topLogits;
    private boolean atTextStart; // nothing printable yet: the first piece's dummy-prefix space is dropped
    private int chosen; // a token the engine already picked, or -1: sample from logits
    int pendingToken; // the token to run next

    Slot(InferenceEngine engine) {
        this.engine = engine;
        this.tokenizer = engine.model().tokenizer();
        this.cached = new int[engine.contextSize()];
        this.logits = new float[engine.model().config().vocabSize()];
    }

    /** Tokens of {@code prompt} already in this slot's cache. */
    int commonPrefix(int[] prompt) {
        int n = Math.min(cachedLength, prompt.length);
        int i = 0;
        while (i < n && cached[i] == prompt[i]) {
            i++;
        }
        return i;
    }

    int position() {
        return cachedLength;
    }

    /** Takes {@code g} and runs its prompt (reusing the cached prefix); the first token is sampled by the next {@link #advance}. */
    void start(Generation g) {
        GenerationRequest r = g.request();
        int[] prompt = g.tokens();
        generation = g;
        long start = System.nanoTime();
        int reuse =
                Math.min(commonPrefix(prompt), prompt.length - 1); // the last prompt token always runs, for its logits
        cachedLength = 0; // until the prefill succeeds
        float[] l = NaNLogitsException.check(
                engine.prefill(prompt, reuse, prompt.length - reuse, reuse), prompt.length - 1);
        System.arraycopy(l, 0, logits, 0, logits.length);
        System.arraycopy(prompt, 0, cached, 0, prompt.length);
        cachedLength = prompt.length;
        promptEvaluated = prompt.length - reuse;
        promptNanos = System.nanoTime() - start;
        generationStart = System.nanoTime();
        sampler = new Sampler(r.sampling().settingsForRun(), logits.length);
        decoder = tokenizer.streamingDecoder();
        for (int t : prompt) {
            decoder.push(t); // so the first generated piece decodes in context (keeps its leading space)
        }
        atTextStart = tokenizer.decode(prompt).isEmpty();
        stops = new StopStrings(r.stop());
        text.setLength(0);
        generated = new int[Math.min(r.maxTokens(), engine.contextSize())];
        count = 0;
        logprobs = new ArrayList<>();
        chosen = -1;
        // an engine on a device picks greedy tokens or top-k candidates there, when nothing else needs the row
        boolean rowNeeded = r.topLogprobs() >= 0 || r.ignoreEndOfGeneration();
        engineChooses = sampler.settings().isGreedy() && sampler.settings().repeatPenalty() == 1f && !rowNeeded;
        engineTopK = !engineChooses && !rowNeeded && sampler.needsOnlyTopK(engine.topKCapacity());
        topIds = engineTopK ? new int[sampler.candidateCount()] : null;
        topLogits = engineTopK ? new float[sampler.candidateCount()] : null;
    }

    /**
     * Picks the next token, streams its text and checks every end condition; returns true when the sequence goes on
     * and {@link #pendingToken} must run through the model.
     */
    boolean advance(long now) {
        Generation g = generation;
        GenerationRequest r = g.request();
        if (g.cancelled()) {
            return finish(FinishReason.CANCELLED);
        }
        if (g.pastDeadline(now)) {
            return finish(FinishReason.TIMEOUT);
        }
        if (count >= r.maxTokens()) {
            return finish(FinishReason.LENGTH);
        }
        if (r.ignoreEndOfGeneration()) {
            maskEndOfGeneration();
        }
        int token = chosen >= 0 ? chosen : sampler.sample(logits, cached, cachedLength);
        if (tokenizer.isEndOfGeneration(token) || token == tokenizer.bos()) {
            return finish(FinishReason.STOP); // BOS: llama2.c's story models start a new document with it
        }
        if (r.topLogprobs() >= 0) {
            logprobs.add(logprob(token, r.topLogprobs()));
        }
        generated[count++] = token;
        String piece = decoder.push(token);
        if (atTextStart && !piece.isEmpty()) {
            // as decoding the whole text would: SentencePiece drops the dummy-prefix space at the start of a text
            if (piece.startsWith(" ") && !tokenizer.decode(new int[] {token}).startsWith(" ")) {
                piece = piece.substring(1);
            }
            atTextStart = false;
        }
        emit(stops.push(piece));
        if (stops.stopped()) {
            return finish(FinishReason.STOP);
        }
        if (count >= r.maxTokens()) {
            return finish(FinishReason.LENGTH);
        }
        if (cachedLength == engine.contextSize()) {
            return finish(FinishReason.CONTEXT_FULL);
        }
        pendingToken = token;
        return true;
    }

    private void maskEndOfGeneration() {
        for (int id = 0; id < logits.length; id++) {
            if (tokenizer.isEndOfGeneration(id) || id == tokenizer.bos()) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Runs {@link #pendingToken} alone (no batch), through the engine's fastest path for this sampler. */
    void forwardAlone() {
        if (engineChooses) {
            chosen = engine.forwardGreedy(pendingToken, cachedLength);
        } else if (engineTopK) {
            int found = engine.forwardTopK(pendingToken, cachedLength, topIds.length, topIds, topLogits);
            if (found == 0 && topIds.length > 0) { // the engine never picks NaN: none found means the row was NaN
                throw new NaNLogitsException(cachedLength);
            }
            chosen = sampler.sampleCandidates(topIds, topLogits, found);
        } else {
            float[] l = NaNLogitsException.check(engine.forward(pendingToken, cachedLength), cachedLength);
            System.arraycopy(l, 0, logits, 0, logits.length);
            chosen = -1;
        }
        cached[cachedLength++] = pendingToken;
    }

    /** Takes row {@code row} of a batched step's logits as the result of running {@link #pendingToken}. */
    void acceptBatchRow(float[] batchLogits, int row) {
        System.arraycopy(batchLogits, row * logits.length, logits, 0, logits.length);
        NaNLogitsException.check(logits, cachedLength);
        chosen = -1;
        cached[cachedLength++] = pendingToken;
    }

    /** Ends the current generation with an error; the cache contents are forgotten. */
    void fail(Throwable t) {
        Generation g = generation;
        generation = null;
        cachedLength = 0;
        if (g != null) {
            g.fail(t);
        }
    }

    private boolean finish(FinishReason reason) {
        if (!stops.stopped()) {
            emit(stops.push(decoder.flush()));
            emit(stops.flush());
        }
        Completion c = new Completion(
                text.toString(),
                Arrays.copyOf(generated, count),
                reason,
                List.copyOf(logprobs),
                generation.tokens().length,
                promptEvaluated,
                promptNanos,
                System.nanoTime() - generationStart);
        Generation g = generation;
        generation = null;
        g.finish(c);
        return false;
    }

    private void emit(String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            generation.emit(piece);
        }
    }

    /** Log-softmax of the current logits at {@code token}, and the {@code top} most likely tokens. */
    private TokenLogprob logprob(int token, int top) {
        double logNormalizer = Sampler.logSumExp(logits);
        List<TokenLogprob.Alternative> alternatives = new ArrayList<>(top);
        for (int id : Sampler.topIndices(logits, top)) {
            byte[] b = tokenizer.tokenBytes(id);
            alternatives.add(new TokenLogprob.Alternative(
                    id, new String(b, StandardCharsets.UTF_8), b, logits[id] - logNormalizer));
        }
        byte[] b = tokenizer.tokenBytes(token);
        return new TokenLogprob(
                token, new String(b, StandardCharsets.UTF_8), b, logits[token] - logNormalizer, alternatives);
    }
}
