// How pre-tokenizer-fixtures.json was made (run once; not part of the build):
// 1. the Llama 3 vocabulary converted with `llama convert-tokenizer --input tokenizer.json --config tokenizer_config.json`;
// 2. for each name, a copy of its tokenizer.* keys with tokenizer.ggml.pre replaced, carried by a tiny synthetic model
//    (SyntheticModel.write: dim 64, 1 layer, Q8_0) so that llama.cpp loads it;
// 3. this script, from a directory where node-llama-cpp 3.22.1 is installed:
//    node generate-pre-fixtures.mjs llama3-fixtures.json pre-tokenizer-fixtures.json model-<name>.gguf ...
import {getLlama} from "node-llama-cpp";
import fs from "fs";
const [fixtures, out, ...models] = process.argv.slice(2);
const texts = JSON.parse(fs.readFileSync(fixtures, "utf8")).cases.map(c => c.text);
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const result = {reference: "llama.cpp tokenizer (node-llama-cpp 3.22.1), no BOS, special tokens not parsed; vocabulary: the Llama 3 tokenizer with tokenizer.ggml.pre replaced", pre: {}};
for (const m of models) {
  const pre = m.replace(/^.*model-/, "").replace(/\.gguf$/, "");
  const model = await llama.loadModel({modelPath: m, gpuLayers: 0});
  result.pre[pre] = texts.map(t => ({text: t, ids: Array.from(model.tokenize(t, false))}));
  await model.dispose();
}
fs.writeFileSync(out, JSON.stringify(result, null, 1));
