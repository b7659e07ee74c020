"""Fail (exit 1) when intent macro-F1 in Rasa's intent_report.json is below the threshold.

Usage: python bot/tests/nlu_gate.py reports/nlu/intent_report.json 0.90
Prints per-intent F1 so the figures land in the CI log.
"""

from __future__ import annotations

import json
import sys

SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def main(path: str, minimum: float) -> int:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    for intent, scores in sorted(report.items()):
        if intent not in SUMMARY_KEYS and isinstance(scores, dict):
            print(f"{intent:24} F1 {scores['f1-score']:.3f}  (n={scores['support']})")
    macro = report["macro avg"]["f1-score"]
    print(f"intent macro-F1 {macro:.3f} (minimum {minimum:.2f})")
    return 0 if macro >= minimum else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
