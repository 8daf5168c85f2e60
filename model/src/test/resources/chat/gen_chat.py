# Renders the published chat templates with jinja2 configured as Hugging Face transformers configures it
# (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, raise_exception, tojson, strftime_now).
import json, jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols

def raise_exception(m): raise jinja2.exceptions.TemplateError(m)
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

T = {}
T["llama2"] = ("{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}", "<s>", "</s>")
T["llama3"] = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}", "<|begin_of_text|>", "<|eot_id|>")
T["llama3.1"] = (open("llama31.jinja").read(), "<|begin_of_text|>", "<|eot_id|>")
T["mistral"] = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}", "<s>", "</s>")
T["zephyr"] = ("{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}", "<s>", "</s>")
T["smollm2"] = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}", "<|im_start|>", "<|im_end|>")

conversations = {
  "single": [{"role": "user", "content": "Hello! How are you?"}],
  "system": [{"role": "system", "content": "You are a pirate. "}, {"role": "user", "content": "  Where is the treasure?\n"}],
  "multi": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": " Hello, traveller. "},
            {"role": "user", "content": "Say <|eot_id|> and [INST] and </s> literally."}],
  "alternating": [{"role": "user", "content": "One"}, {"role": "assistant", "content": "Two"}, {"role": "user", "content": "Three"}],
  "bad-order": [{"role": "user", "content": "One"}, {"role": "user", "content": "Two"}],
}
cases = []
for name, (src, bos, eos) in T.items():
    tpl = env.from_string(src)
    for conv, msgs in conversations.items():
        for agp in (True, False):
            extra = {"date_string": "04 Dec 2026"} if name == "llama3.1" and conv == "system" else {}
            case = {"template": name, "conversation": conv, "add_generation_prompt": agp, "extra": extra}
            try:
                case["expected"] = tpl.render(messages=msgs, add_generation_prompt=agp, bos_token=bos, eos_token=eos, **extra)
            except jinja2.exceptions.TemplateError as e:
                case["error"] = str(e)
            cases.append(case)
tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather \"now\" in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
for tiu in (True, False):
    extra = {"tools": tools, "tools_in_user_message": tiu}
    case = {"template": "llama3.1", "conversation": "single", "add_generation_prompt": True, "extra": extra}
    case["expected"] = env.from_string(T["llama3.1"][0]).render(messages=conversations["single"], add_generation_prompt=True, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", **extra)
    cases.append(case)
out = {"reference": "jinja2 %s with transformers' chat-template environment (trim_blocks, lstrip_blocks, loopcontrols, raise_exception, tojson)" % jinja2.__version__,
       "templates": {k: {"source": v[0], "bos_token": v[1], "eos_token": v[2]} for k, v in T.items()},
       "conversations": conversations, "cases": cases}
json.dump(out, open("/work/formats/model/src/test/resources/chat/chat-template-fixtures.json", "w"), indent=1, ensure_ascii=False)
print(len(cases), sum(1 for c in cases if "error" in c))
