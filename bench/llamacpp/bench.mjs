// llama.cpp (through node-llama-cpp's prebuilt CPU binary) on a GGUF file: prompt and generation tokens/s,
// the same measurement as Squall's LlamaBench. Run by scripts/bench-cpu from the directory where
// node-llama-cpp is installed. Usage: node bench.mjs MODEL.gguf THREADS PROMPT_TOKENS GEN_TOKENS
// Prints one JSON line.
import {getLlama} from "node-llama-cpp";

const [modelPath, threadsArg, promptArg, genArg, type] = process.argv.slice(2);
const threads = Number(threadsArg), promptTokens = Number(promptArg), genTokens = Number(genArg);
const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({contextSize: 1024, batchSize: 512, threads: {ideal: threads, min: threads}});
const sequence = context.getSequence();

// the same kind of prompt as LlamaBench: deterministic regular token ids
const vocab = model.tokenize("the quick brown fox jumps over the lazy dog ".repeat(64), false).slice(0, promptTokens);

const runs = [];
for (let run = 0; run < 4; run++) {           // first run warms up; then best of 3, as LlamaBench
    await sequence.clearHistory();
    let t0 = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(vocab);
    const promptMs = performance.now() - t0;
    let generated = 0;
    t0 = performance.now();
    for await (const token of sequence.evaluate([vocab[vocab.length - 1]], {temperature: 0})) {
        if (++generated >= genTokens) break;
    }
    const genMs = performance.now() - t0;
    runs.push({promptMs, genMs, generated});
}
const measured = runs.slice(1);
const last = {promptMs: Math.min(...measured.map(r => r.promptMs)), genMs: Math.min(...measured.map(r => r.genMs)),
    generated: measured[0].generated};
console.log(JSON.stringify({
    type, engine: "llama.cpp (node-llama-cpp 3.22.1)", path: "warm", threads, promptTokens: vocab.length,
    promptTokensPerSecond: vocab.length * 1000 / last.promptMs,
    generatedTokens: last.generated, generationTokensPerSecond: last.generated * 1000 / last.genMs
}));
await context.dispose();
await model.dispose();
await llama.dispose();
