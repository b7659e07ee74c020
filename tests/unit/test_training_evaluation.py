"""Reading Rasa: progress from `rasa train`'s log, scores from `rasa test nlu`'s report, and
the rule that publishes only a model that is no worse."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from booking.assistant.evaluation import (
    TrainingProgress,
    compare,
    epoch_components,
    progress_components,
    summarise_report,
    write_evaluation_set,
)
from booking.assistant.trainings import check_override, no_worse
from booking.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]

REPORT = {
    "greet": {"precision": 1, "recall": 1, "f1-score": 1.0, "support": 10, "confused_with": {}},
    "faq": {
        "precision": 0.9,
        "recall": 0.8,
        "f1-score": 0.84706,
        "support": 40,
        "confused_with": {"out_of_scope": 3, "inform": 1},
    },
    "out_of_scope": {"f1-score": 0.7, "support": 20, "confused_with": {"faq": 5}},
    "accuracy": 0.9,
    "macro avg": {"f1-score": 0.84902, "support": 70},
    "weighted avg": {"f1-score": 0.8, "support": 70},
}


def test_the_shipped_config_trains_two_components_for_epochs() -> None:
    # the intents' logistic regression and the entities' CRF train without epochs
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    assert epoch_components(config) == ["ResponseSelector", "TEDPolicy"]


def test_progress_counts_the_intents_logistic_regression_as_a_step() -> None:
    # without it the bar stood still for the regression's half minute at the start
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    components = progress_components(config)
    assert components == ["FineLabelLogisticRegression", "ResponseSelector", "TEDPolicy"]
    progress = TrainingProgress(components)
    progress.read("Starting to train component 'FineLabelLogisticRegression'.")
    assert progress.read("Starting to train component 'CRFEntityExtractor'.") == 0
    assert progress.read(
        "Finished training component 'FineLabelLogisticRegression'."
    ) == pytest.approx(1 / 3)
    assert progress.read("Finished training component 'CRFEntityExtractor'.") == pytest.approx(
        1 / 3
    )
    progress.read("Starting to train component 'ResponseSelector'.")
    assert progress.read("Epochs:  50%|█████     | 5/10 [00:01<00:01]") == pytest.approx(0.5)


def test_progress_follows_the_components_and_their_epochs() -> None:
    progress = TrainingProgress(["DIETClassifier", "ResponseSelector", "TEDPolicy"])
    assert progress.read("INFO Starting to train component 'CountVectorsFeaturizer'.") == 0
    progress.read(
        "INFO rasa.engine.training.hooks  - Starting to train component 'DIETClassifier'."
    )
    share = progress.read("Epochs:  50%|█████     | 25/50 [00:10<00:10, t_loss=3.1]")
    assert share == pytest.approx(0.5 / 3)
    assert progress.read("Finished training component 'DIETClassifier'.") == pytest.approx(1 / 3)
    progress.read("Restored component 'ResponseSelector' from cache.")
    progress.read("Starting to train component 'TEDPolicy'.")
    assert progress.read("Epochs: 100%|██████████| 30/30 [00:10<00:00]") == pytest.approx(1.0)


def test_the_report_gives_macro_f1_per_intent_f1_and_confusions_most_frequent_first() -> None:
    summary = summarise_report(REPORT)
    assert summary["macro_f1"] == 0.849
    assert summary["intents"]["faq"] == {"f1": 0.8471, "support": 40}
    assert set(summary["intents"]) == {"greet", "faq", "out_of_scope"}
    assert summary["confusions"][:2] == [
        {"intent": "out_of_scope", "predicted": "faq", "count": 5},
        {"intent": "faq", "predicted": "out_of_scope", "count": 3},
    ]


def test_both_models_are_compared_intent_by_intent() -> None:
    candidate = summarise_report(REPORT)
    published = summarise_report({**REPORT, "greet": {"f1-score": 0.5, "support": 10}})
    both = compare(candidate, published, evaluation_set_size=70)
    assert both["intents"]["greet"] == {"f1": 1.0, "published_f1": 0.5, "support": 10}
    assert both["published_macro_f1"] == 0.849 and both["evaluation_set_size"] == 70


@pytest.mark.parametrize(
    ("candidate", "published", "allowed"),
    [(0.93, 0.93, True), (0.926, 0.93, True), (0.924, 0.93, False), (0.5, None, True)],
)
def test_a_model_is_no_worse_within_the_tolerance(
    candidate: float, published: float | None, allowed: bool
) -> None:
    assert no_worse(candidate, published, 0.005) is allowed


@pytest.mark.parametrize(
    ("override", "reason", "field"),
    [
        (True, None, "reason"),
        (True, "   ", "reason"),
        ("yes", "x", "override"),
        (True, "x" * 1001, "reason"),
    ],
)
def test_an_override_needs_a_reason(override: object, reason: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_override(override, reason)
    assert refused.value.field == field


def test_no_override_needs_no_reason() -> None:
    assert check_override(None, None) == (False, None)
    assert check_override(True, " urgent ") == (True, "urgent")


def test_the_evaluation_set_is_the_held_out_file_plus_the_admins_phrasings(
    tmp_path: Path,
) -> None:
    target = tmp_path / "evaluation.yml"
    held_out = ROOT / "bot" / "tests" / "nlu_holdout.yml"
    shipped = write_evaluation_set(held_out, [], tmp_path / "shipped.yml")
    count = write_evaluation_set(
        held_out, [("faq/cost", "hvad skal jeg give for det"), ("new_intent", "x y")], target
    )
    assert count == shipped + 2
    content = yaml.safe_load(target.read_text())
    cost = next(item for item in content["nlu"] if item["intent"] == "faq/cost")
    assert "- hvad skal jeg give for det" in cost["examples"]
