"""Reading what Rasa prints and writes: training progress, evaluation reports, held-out sets.

`TrainingProgress` follows `rasa train`'s log: the graph trainer names each component as it
starts, finishes or is restored from the cache, and the components that learn for a number of
epochs (DIET, the response selector, TED) print a progress bar `Epochs: 40%|…| 20/50`. A slow
component without epochs (the intents' logistic regression) counts as one step when it ends.
`summarise_report` turns Rasa's `intent_report.json` into the scores kept on a training.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from booking.assistant.rules import comparable

# Components that train for epochs: most of a training's time goes to them.
EPOCH_COMPONENTS = ("DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy")
# Components without epochs that still take a large share of a training (bot/nlu/).
STEP_COMPONENTS = ("FineLabelLogisticRegression", "LogisticRegressionClassifier")
STARTED = re.compile(r"Starting to train component '(\w+)'")
DONE = re.compile(r"(?:Finished training component|Restored component) '(\w+)'")
EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
TOP_CONFUSIONS = 10


def epoch_components(config: dict[str, Any]) -> list[str]:
    """The epoch-trained components a Rasa config (pipeline + policies) names, in order."""
    return [name for name in _component_names(config) if name in EPOCH_COMPONENTS]


def progress_components(config: dict[str, Any]) -> list[str]:
    """The components whose training the progress bar counts: the epoch-trained ones and the
    slow ones without epochs, in the config's order."""
    counted = EPOCH_COMPONENTS + STEP_COMPONENTS
    return [name for name in _component_names(config) if name in counted]


def _component_names(config: dict[str, Any]) -> list[str]:
    """Class names, as Rasa's log names them: a project component is configured by its path."""
    items = [*(config.get("pipeline") or []), *(config.get("policies") or [])]
    return [str(item.get("name", "")).rsplit(".", 1)[-1] for item in items]


class TrainingProgress:
    """The share of `rasa train` done (0..1), from the lines of its output as they come."""

    def __init__(self, components: Iterable[str]) -> None:
        self.counted = set(components)
        self.total = max(1, len(self.counted))
        self.done: set[str] = set()
        self.current: str | None = None
        self.fraction = 0.0

    def read(self, line: str) -> float:
        """Takes one line (a progress bar update counts as a line) and returns the share."""
        if match := STARTED.search(line):
            self.current, self.fraction = match.group(1), 0.0
        elif match := DONE.search(line):
            if match.group(1) in self.counted:
                self.done.add(match.group(1))
            if match.group(1) == self.current:
                self.current, self.fraction = None, 0.0
        elif (match := EPOCHS.search(line)) and self.current in EPOCH_COMPONENTS:
            self.fraction = int(match.group(1)) / max(1, int(match.group(2)))
        return self.share

    @property
    def share(self) -> float:
        running = self.fraction if self.current not in self.done else 0.0
        return min(1.0, (len(self.done) + running) / self.total)


def summarise_report(report: dict[str, Any]) -> dict[str, Any]:
    """Macro-F1, each intent's F1 and support, and the most frequent confusions."""
    intents = {
        name: {"f1": round(scores["f1-score"], 4), "support": scores.get("support", 0)}
        for name, scores in report.items()
        if name not in SUMMARY_KEYS and isinstance(scores, dict) and "f1-score" in scores
    }
    confusions = [
        {"intent": name, "predicted": other, "count": count}
        for name, scores in report.items()
        if name not in SUMMARY_KEYS and isinstance(scores, dict)
        for other, count in (scores.get("confused_with") or {}).items()
    ]
    confusions.sort(key=lambda c: (-c["count"], c["intent"], c["predicted"]))
    return {
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "intents": intents,
        "confusions": confusions[:TOP_CONFUSIONS],
    }


def compare(candidate: dict[str, Any], published: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The evaluation kept on a training: both models' scores on the same held-out set."""
    names = sorted(set(candidate["intents"]) | set(published["intents"]))
    return {
        "macro_f1": candidate["macro_f1"],
        "published_macro_f1": published["macro_f1"],
        "intents": {
            name: {
                "f1": candidate["intents"].get(name, {}).get("f1"),
                "published_f1": published["intents"].get(name, {}).get("f1"),
                "support": max(
                    candidate["intents"].get(name, {}).get("support", 0),
                    published["intents"].get(name, {}).get("support", 0),
                ),
            }
            for name in names
        },
        "confusions": candidate["confusions"],
        "published_confusions": published["confusions"],
        **extra,
    }


def write_evaluation_set(
    held_out_file: Path, test_phrasings: Iterable[tuple[str, str]], target: Path
) -> int:
    """The shipped held-out set plus the administrators' test phrasings as one NLU file.

    Returns how many phrasings it holds. A retrieval intent's phrasing (`faq/cost`) counts for
    the `faq` intent, as Rasa's intent report counts it.
    """
    by_intent: dict[str, list[str]] = {}
    if held_out_file.exists():
        content = yaml.safe_load(held_out_file.read_text(encoding="utf-8")) or {}
        for item in content.get("nlu") or []:
            if "intent" in item and isinstance(item.get("examples"), str):
                lines = item["examples"].splitlines()
                by_intent.setdefault(item["intent"], []).extend(
                    line.strip()[2:].strip() for line in lines if line.strip().startswith("-")
                )
    for intent, text in test_phrasings:
        known = {comparable(t) for t in by_intent.get(intent, [])}
        if comparable(text) not in known:
            by_intent.setdefault(intent, []).append(text)
    lines = ['version: "3.1"', "", "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in texts]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(texts) for texts in by_intent.values())
