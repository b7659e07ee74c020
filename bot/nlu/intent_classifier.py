"""Intent classification for the assistant: a logistic regression over the sparse word and
character features, trained on the fine labels (each FAQ question its own class).

Rasa's `LogisticRegressionClassifier` learns one class per intent, so every FAQ question
("faq/opening_hours", "faq/privacy", ...) is lumped into one large and varied `faq` class that
no linear boundary separates well from the rest. Here each retrieval intent's key is its own
class; the probabilities of a retrieval intent's keys are summed into that intent, so the rest
of the pipeline (the ResponseSelector, the FallbackClassifier, the policies) sees the intents
the domain declares. The regularisation strength is configurable (`C`), which the parent fixes.
The iterations are capped on purpose (config.yml: the held-out score is the same at 200 as at
convergence, near 540, in half the time), so scikit-learn's ConvergenceWarning is not shown.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.exceptions import ConvergenceWarning


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FineLabelLogisticRegression(LogisticRegressionClassifier):
    """Logistic regression over fine labels, answering with the domain's intents."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], *args: Any) -> None:
        super().__init__(config, *args)
        self.clf.set_params(C=self.config["C"])

    def train(self, training_data: TrainingData) -> Resource:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return super().train(training_data)

    def _create_training_matrix(self, training_data: TrainingData) -> tuple[csr_matrix, list[str]]:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT_RESPONSE_KEY) or e.get(INTENT) for e in examples]
        return self._create_X(examples), labels

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages:
            return messages
        probabilities = self.clf.predict_proba(self._create_X(messages))
        for message, row in zip(messages, probabilities, strict=True):
            by_intent: dict[str, float] = defaultdict(float)
            for label, probability in zip(self.clf.classes_, row, strict=True):
                by_intent[label.split("/", 1)[0]] += float(probability)
            ranking = sorted(
                ({"name": name, "confidence": p} for name, p in by_intent.items()),
                key=lambda entry: -entry["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages
