"""The NLU gate (bot/tests/nlu_gate.py): macro-F1 and out_of_scope's own minimum (issue 10)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "nlu_gate", Path(__file__).resolve().parents[2] / "bot" / "tests" / "nlu_gate.py"
)
assert SPEC is not None and SPEC.loader is not None
nlu_gate = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(nlu_gate)


def report(macro: float, out_of_scope: float) -> dict:
    return {
        "out_of_scope": {"f1-score": out_of_scope, "support": 20},
        "inform": {"f1-score": 0.99, "support": 57},
        "macro avg": {"f1-score": macro},
    }


def test_the_gate_passes_at_both_minimums():
    assert nlu_gate.failures(report(0.95, 0.85), 0.95, nlu_gate.PER_INTENT_MINIMUM) == []


def test_a_macro_f1_below_the_minimum_fails():
    assert nlu_gate.failures(report(0.949, 0.9), 0.95, nlu_gate.PER_INTENT_MINIMUM)


def test_out_of_scope_below_its_own_minimum_fails_even_with_a_good_average():
    short = nlu_gate.failures(report(0.97, 0.84), 0.95, nlu_gate.PER_INTENT_MINIMUM)
    assert short == ["out_of_scope F1 0.840 is below its own minimum 0.85"]


def test_main_exits_1_and_says_why(tmp_path, capsys):
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report(0.96, 0.8)))
    assert nlu_gate.main(str(path), 0.95, {"out_of_scope": 0.85}) == 1
    assert "FAIL: out_of_scope" in capsys.readouterr().out
