// llama.cpp's time to first token through node-llama-cpp's prebuilt CPU binary, as a user's first request sees it:
// library and model load, context creation, the prompt, one sampled token. Run by scripts/bench-cpu.
// Usage: node ttft.mjs MODEL.gguf THREADS PROMPT_TOKENS TYPE   Prints one JSON line (times from process start).
import {getLlama} from "node-llama-cpp";

const [modelPath, threadsArg, promptArg, type] = process.argv.slice(2);
const threads = Number(threadsArg), promptTokens = Number(promptArg);
const llama = await getLlama({gpu: false, build: "never", maxThreads: threads, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({contextSize: 1024, batchSize: 512, threads: {ideal: threads, min: threads}});
const sequence = context.getSequence();
const tokens = model.tokenize("the quick brown fox jumps over the lazy dog ".repeat(64), false).slice(0, promptTokens);
const start = performance.now();
for await (const token of sequence.evaluate(tokens, {temperature: 0})) {
    break;   // the first generated token
}
const firstToken = performance.now();
const cpu = process.cpuUsage();
console.log(JSON.stringify({type, engine: "llama.cpp (node-llama-cpp 3.22.1)", path: "cold", threads, promptTokens: tokens.length,
    ttftMs: firstToken, promptMs: firstToken - start, cpuMs: (cpu.user + cpu.system) / 1000}));
process.exit(0);
