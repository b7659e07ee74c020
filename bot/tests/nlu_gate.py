"""Fail (exit 1) when intent macro-F1 in Rasa's intent_report.json is below the threshold, or an
intent with its own minimum (out_of_scope: 0.85, issue 10) is below that.

Usage: python bot/tests/nlu_gate.py reports/nlu/intent_report.json 0.95 [intent=minimum ...]
Prints per-intent F1 so the figures land in the CI log.
"""

from __future__ import annotations

import json
import sys

SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
# Intents whose own F1 must reach a minimum, whatever the average: a question the assistant
# cannot answer must not be taken for a booking, an answer or an FAQ.
PER_INTENT_MINIMUM = {"out_of_scope": 0.85}


def failures(report: dict, minimum: float, per_intent: dict[str, float]) -> list[str]:
    """What falls short of the gate, as lines for the log; empty when it passes."""
    short = []
    macro = report["macro avg"]["f1-score"]
    if macro < minimum:
        short.append(f"intent macro-F1 {macro:.3f} is below {minimum:.2f}")
    for intent, least in sorted(per_intent.items()):
        f1 = report.get(intent, {}).get("f1-score", 0.0)
        if f1 < least:
            short.append(f"{intent} F1 {f1:.3f} is below its own minimum {least:.2f}")
    return short


def main(path: str, minimum: float, per_intent: dict[str, float]) -> int:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    for intent, scores in sorted(report.items()):
        if intent not in SUMMARY_KEYS and isinstance(scores, dict):
            own = f"  (minimum {per_intent[intent]:.2f})" if intent in per_intent else ""
            print(f"{intent:24} F1 {scores['f1-score']:.3f}  (n={scores['support']}){own}")
    print(f"intent macro-F1 {report['macro avg']['f1-score']:.3f} (minimum {minimum:.2f})")
    short = failures(report, minimum, per_intent)
    for line in short:
        print(f"FAIL: {line}")
    return 1 if short else 0


if __name__ == "__main__":
    extra = dict(arg.split("=", 1) for arg in sys.argv[3:])
    minimums = {**PER_INTENT_MINIMUM, **{k: float(v) for k, v in extra.items()}}
    sys.exit(main(sys.argv[1], float(sys.argv[2]), minimums))
