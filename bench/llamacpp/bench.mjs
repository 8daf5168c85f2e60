// llama.cpp (through node-llama-cpp's prebuilt CPU binary) on a GGUF file: prompt and generation tokens/s,
// the same measurement as Squall's LlamaBench. Run by scripts/bench-cpu from the directory where
// node-llama-cpp is installed (and by scripts/bench, for the row beside the configurations).
// Usage: node bench.mjs MODEL.gguf THREADS PROMPT_TOKENS GEN_TOKENS [TYPE] [RUNS]
// Prints one JSON line: the best of the measured runs (as LlamaBench) and their mean and sample standard deviation.
import {getLlama} from "node-llama-cpp";

const [modelPath, threadsArg, promptArg, genArg, type, runsArg] = process.argv.slice(2);
const measuredRuns = Number(runsArg ?? 3);
const threads = Number(threadsArg), promptTokens = Number(promptArg), genTokens = Number(genArg);
const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({contextSize: 1024, batchSize: 512, threads: {ideal: threads, min: threads}});
const sequence = context.getSequence();

// the same kind of prompt as LlamaBench: deterministic regular token ids
const vocab = model.tokenize("the quick brown fox jumps over the lazy dog ".repeat(64), false).slice(0, promptTokens);

// CPU time of the whole process (all threads): on a shared machine it moves far less than wall time when other
// processes take the cores, so CPU ms per token compares engines where tokens/s cannot (spin-waiting counts too).
const cpuMsSince = start => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
};
const runs = [];
for (let run = 0; run <= measuredRuns; run++) {   // first run warms up; then the measured runs
    await sequence.clearHistory();
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    await sequence.evaluateWithoutGeneratingNewTokens(vocab);
    const promptMs = performance.now() - t0;
    const promptCpuMs = cpuMsSince(c0);
    let generated = 0;
    t0 = performance.now();
    c0 = process.cpuUsage();
    for await (const token of sequence.evaluate([vocab[vocab.length - 1]], {temperature: 0})) {
        if (++generated >= genTokens) break;
    }
    const genMs = performance.now() - t0;
    runs.push({promptMs, genMs, generated, promptCpuMs, genCpuMs: cpuMsSince(c0)});
}
const measured = runs.slice(1);
const last = {promptMs: Math.min(...measured.map(r => r.promptMs)), genMs: Math.min(...measured.map(r => r.genMs)),
    generated: measured[0].generated, promptCpuMs: Math.min(...measured.map(r => r.promptCpuMs)),
    genCpuMs: Math.min(...measured.map(r => r.genCpuMs / r.generated)) * measured[0].generated};
const stats = values => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = values.length < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    return [mean, sd];
};
const [promptMean, promptSpread] = stats(measured.map(r => vocab.length * 1000 / r.promptMs));
const [genMean, genSpread] = stats(measured.map(r => r.generated * 1000 / r.genMs));
console.log(JSON.stringify({
    type, engine: "llama.cpp (node-llama-cpp 3.22.1)", path: "warm", threads, promptTokens: vocab.length,
    promptTokensPerSecond: vocab.length * 1000 / last.promptMs,
    generatedTokens: last.generated, generationTokensPerSecond: last.generated * 1000 / last.genMs,
    runs: measured.length, promptTokensPerSecondMean: promptMean, promptTokensPerSecondSpread: promptSpread,
    generationTokensPerSecondMean: genMean, generationTokensPerSecondSpread: genSpread,
    promptCpuMsPerToken: last.promptCpuMs / vocab.length, generationCpuMsPerToken: last.genCpuMs / last.generated
}));
await context.dispose();
await model.dispose();
await llama.dispose();
