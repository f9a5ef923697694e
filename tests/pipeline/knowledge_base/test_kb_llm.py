"""The LLM datasets (llm_models.yaml, llm_prices.yaml) fail loudly, naming file, line, entry and field.

Each test breaks one thing in a copy of the valid fixture and asserts the exact message.
"""

from __future__ import annotations

import pytest
from kb_helpers import copy_fixture


@pytest.fixture
def kb(tmp_path):
    return copy_fixture(tmp_path)


def test_valid_llm_records_load(kb):
    loaded = kb.load()
    (model,) = loaded.items("llm_models")
    assert (model.id, model.layers, model.kv_heads) == ("tiny-llama", 16, 8)
    (price,) = loaded.items("llm_prices")
    assert (price.id, price.input_per_million) == ("example-small", 0.10)


def test_negative_layer_count_names_the_field(kb):
    line = kb.replace("llm_models.yaml", "  layers: 16", "  layers: -16")
    assert kb.problems() == [
        f"data/llm_models.yaml line {line} (tiny-llama): layers is -16 but must be above 0 "
        "— fix the figure or its sign"
    ]


def test_kv_heads_must_divide_attention_heads(kb):
    kb.replace("llm_models.yaml", "  kv_heads: 8", "  kv_heads: 5")
    start = kb.line_of("llm_models.yaml", "- id: tiny-llama")
    assert kb.problems() == [
        f"data/llm_models.yaml line {start} (tiny-llama): kv_heads 5 must divide attention_heads 32 "
        "— copy num_key_value_heads and num_attention_heads from the config again"
    ]


def test_secondary_model_config_must_say_where_it_was_read(kb):
    kb.replace("llm_models.yaml", "  verification: primary", "  verification: secondary")
    start = kb.line_of("llm_models.yaml", "- id: tiny-llama")
    assert kb.problems() == [
        f"data/llm_models.yaml line {start} (tiny-llama): verification is secondary but read_in is "
        "empty — say where the values were read"
    ]


def test_swapped_price_columns_fail(kb):
    kb.replace("llm_prices.yaml", "  output_per_million: 0.40", "  output_per_million: 0.04")
    start = kb.line_of("llm_prices.yaml", "- id: example-small")
    assert kb.problems() == [
        f"data/llm_prices.yaml line {start} (example-small): output_per_million 0.04 is below "
        "input_per_million 0.1 — the columns are probably swapped"
    ]


def test_price_source_must_exist(kb):
    line = kb.replace("llm_prices.yaml", "  source: stats-office", "  source: nowhere")
    assert kb.problems() == [
        f"data/llm_prices.yaml line {line} (example-small): source 'nowhere' is not a known source "
        "— add it to data/sources.yaml or fix the id"
    ]
