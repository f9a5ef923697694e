# /// snippet
# depends = ["data/llm_models.yaml"]
# ///
"""Self-hosting arithmetic from published model configs: memory, throughput bound, cost."""

import re

import yaml

from scripts import ROOT
from scripts.pipeline.knowledge_base.schema import LLMModel

GB = 1e9
GiB = 2**30

# --8<-- [start:configs]
raw = yaml.safe_load((ROOT / "data" / "llm_models.yaml").read_text(encoding="utf-8"))
models = {}
for number, entry in enumerate(raw, start=1):
    try:
        model = LLMModel.model_validate(entry)
    except ValueError as exc:  # name the file and entry, then the field at fault
        raise SystemExit(f"data/llm_models.yaml entry {number}: {exc}") from None
    models[model.id] = model


def parameters(m: LLMModel) -> int:
    """Weights of a Llama-style decoder, counted from its config."""
    q_and_o = 2 * m.hidden_size * m.attention_heads * m.head_dim
    k_and_v = 2 * m.hidden_size * m.kv_heads * m.head_dim  # GQA shrinks these
    mlp = 3 * m.hidden_size * m.intermediate_size  # gate, up and down projections
    per_layer = q_and_o + k_and_v + mlp + 2 * m.hidden_size  # + two norms
    embeddings = m.vocab_size * m.hidden_size * (1 if m.tied_embeddings else 2)
    return m.layers * per_layer + embeddings + m.hidden_size


def kv_bytes_per_token(m: LLMModel, bytes_per_value: float = 2) -> float:
    # a key and a value vector, per layer, per key/value head
    return 2 * m.layers * m.kv_heads * m.head_dim * bytes_per_value


print(f"{'model':<24}{'layers':>7}{'heads':>7}{'kv':>4}{'params':>9}{'KV/token':>10}")
for m in models.values():
    print(
        f"{m.name:<24}{m.layers:>7}{m.attention_heads:>7}{m.kv_heads:>4}"
        f"{parameters(m) / 1e9:>8.2f}B{kv_bytes_per_token(m) / 2**10:>6.0f} KiB"
    )

# What the page says of this output, checked on every build:
for m in models.values():  # the arithmetic lands within a tenth of the size in the name
    named = float(re.search(r"(\d+(?:\.\d+)?)B", m.name).group(1)) * 1e9
    assert abs(parameters(m) / named - 1) < 0.10, m.name
# grouped-query attention: same width and depth, a quarter of the KV cache per token
ratio = kv_bytes_per_token(models["llama-2-7b"]) / kv_bytes_per_token(
    models["llama-3-1-8b"]
)
assert ratio == 4
# --8<-- [end:configs]


# --8<-- [start:memory]
PRECISION_BYTES = {"bf16": 2, "int8/fp8": 1, "int4": 0.5}  # int4 ignores scale overhead
m = models["llama-3-1-8b"]
print(f"{m.name}: weights")
for precision, size in PRECISION_BYTES.items():
    print(f"  {precision:<9}{parameters(m) * size / GB:6.1f} GB")

print("KV cache (bf16), GiB, by context length (rows) and concurrent sequences:")
batches = (1, 8, 32)
print("  context" + "".join(f"{b:>9}" for b in batches))
for context in (4_096, 32_768, 131_072):
    cells = "".join(
        f"{kv_bytes_per_token(m) * context * b / GiB:>9.1f}" for b in batches
    )
    print(f"  {context:>7}{cells}")

weights_bf16 = parameters(m) * 2
one_full_context = kv_bytes_per_token(m) * m.max_context

# What the page says of this output, checked on every build:
# KV memory grows linearly with context and with the number of sequences
assert kv_bytes_per_token(m) * 32_768 * 8 == 8 * 8 * kv_bytes_per_token(m) * 4_096
# one sequence at the full context window needs more memory than the bf16 weights
assert one_full_context > weights_bf16
# --8<-- [end:memory]


# --8<-- [start:throughput]
# Inputs, not facts: replace them with your GPU's datasheet and your price.
GPU_MEMORY = 80 * GB
GPU_BANDWIDTH = 2.0e12  # bytes/s of memory bandwidth
GPU_HOURLY_PRICE = 2.50  # USD per GPU-hour, an assumed example
RUNTIME_RESERVE = 0.10  # share of memory kept for activations and the runtime
CONTEXT = 4_096  # tokens held per sequence while decoding


def decode_bound(m: LLMModel, batch: int, weight_bytes: float) -> float:
    """Upper bound on output tokens/s: each decoding step reads every weight once,
    plus each sequence's KV cache. Real servers reach only part of it."""
    step_bytes = weight_bytes + batch * kv_bytes_per_token(m) * CONTEXT
    return batch / (step_bytes / GPU_BANDWIDTH)


free = GPU_MEMORY * (1 - RUNTIME_RESERVE)
print(f"one GPU: {GPU_MEMORY / GB:.0f} GB, {GPU_BANDWIDTH / 1e12:.1f} TB/s")
print(f"${GPU_HOURLY_PRICE:.2f}/hour, {CONTEXT} tokens per sequence")
rows = []
for model_id in ("llama-2-7b", "llama-3-1-8b", "llama-3-1-70b"):
    m = models[model_id]
    weights = parameters(m) * 2
    room = free - weights
    if room <= 0:
        print(f"{m.name}: bf16 weights ({weights / GB:.0f} GB) do not fit on one GPU")
        continue
    max_batch = int(room // (kv_bytes_per_token(m) * CONTEXT))
    print(f"{m.name}: room for {max_batch} sequences of {CONTEXT} tokens")
    for batch in (1, min(32, max_batch)):
        tps = decode_bound(m, batch, weights)
        cost = GPU_HOURLY_PRICE / (tps * 3600) * 1e6
        rows.append((m.id, batch, tps, cost))
        print(
            f"  batch {batch:>3}: <= {tps:7.0f} tokens/s, >= ${cost:.2f} per M tokens"
        )

# What the page says of this output, checked on every build:
by = {(model_id, batch): (tps, cost) for model_id, batch, tps, cost in rows}
# GQA lets the 8B model hold several times as many sequences as Llama 2 7B
room_l2 = (free - parameters(models["llama-2-7b"]) * 2) // (
    kv_bytes_per_token(models["llama-2-7b"]) * CONTEXT
)
room_l3 = (free - parameters(models["llama-3-1-8b"]) * 2) // (
    kv_bytes_per_token(models["llama-3-1-8b"]) * CONTEXT
)
assert room_l3 > 3 * room_l2
# batching multiplies throughput, but less than linearly, and divides the cost
tps1, cost1 = by[("llama-3-1-8b", 1)]
tps32, cost32 = by[("llama-3-1-8b", 32)]
assert 10 * tps1 < tps32 < 32 * tps1
assert cost32 < cost1 / 10
# Llama 2 7B, with four times the cache per token, gains much less from batching
tps1_l2, _ = by[("llama-2-7b", 1)]
tps_full_l2, _ = by[("llama-2-7b", min(32, int(room_l2)))]
assert tps_full_l2 / tps1_l2 < (tps32 / tps1) / 2
# the 70B model's bf16 weights alone exceed one GPU
assert parameters(models["llama-3-1-70b"]) * 2 > GPU_MEMORY
# --8<-- [end:throughput]
