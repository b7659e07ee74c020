"""The assistant's intent classifier (bot/nlu/intent_classifier.py), trained for real on Rasa's
own tokenizer and featurizer, saved and loaded through Rasa's model storage."""

from __future__ import annotations

import warnings

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import FineLabelLogisticRegression

EXAMPLES = {
    "faq/opening_hours": ["hvornår har I åbent", "what are your opening hours", "åbningstider"],
    "faq/cost": ["hvad koster det", "is it free", "what does it cost"],
    "faq/privacy": ["hvem kan se mine data", "how is my data used", "overholder I gdpr"],
    "greet": ["hej", "hello", "godmorgen"],
    "goodbye": ["farvel", "bye", "vi ses"],
}


def _message(text: str, label: str) -> Message:
    intent, _, key = label.partition("/")
    data = {"text": text, "intent": intent}
    if key:
        data["intent_response_key"] = label
    return Message(data=data)


CONTEXT = ExecutionContext(GraphSchema({}), "test")


class Pipeline:
    """Rasa's tokenizer and word featurizer in front of the classifier, as in config.yml."""

    def __init__(self, storage: LocalModelStorage) -> None:
        self.storage = storage
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizer = CountVectorsFeaturizer.create(
            CountVectorsFeaturizer.get_default_config(), storage, Resource("words"), CONTEXT
        )

    def train(self, config: dict) -> FineLabelLogisticRegression:
        messages = [_message(t, label) for label, texts in EXAMPLES.items() for t in texts]
        self.tokenizer.process(messages)
        self.featurizer.train(TrainingData(messages))
        self.featurizer.process(messages)
        classifier = FineLabelLogisticRegression.create(
            self._config(config), self.storage, Resource("intents"), CONTEXT
        )
        classifier.train(TrainingData(messages))
        return classifier

    def load(self, config: dict) -> FineLabelLogisticRegression:
        return FineLabelLogisticRegression.load(
            self._config(config), self.storage, Resource("intents"), CONTEXT
        )

    def classify(self, classifier: FineLabelLogisticRegression, text: str) -> Message:
        message = Message(data={"text": text})
        self.tokenizer.process([message])
        self.featurizer.process([message])
        classifier.process([message])
        return message

    @staticmethod
    def _config(config: dict) -> dict:
        return {**FineLabelLogisticRegression.get_default_config(), **config}


@pytest.fixture
def pipeline(tmp_path) -> Pipeline:
    return Pipeline(LocalModelStorage(tmp_path))


def test_each_faq_question_is_its_own_class_and_answers_as_the_domain_s_intent(pipeline):
    classifier = pipeline.train({})
    assert {"faq/opening_hours", "faq/cost", "faq/privacy", "greet"} <= set(classifier.clf.classes_)

    message = pipeline.classify(classifier, "hvornår har I åbent i dag")
    assert message.get("intent")["name"] == "faq"
    ranking = message.get("intent_ranking")
    assert [entry["name"] for entry in ranking].count("faq") == 1
    assert all("/" not in entry["name"] for entry in ranking)


def test_the_probabilities_of_an_intent_s_questions_are_summed(pipeline):
    classifier = pipeline.train({})
    message = pipeline.classify(classifier, "hej")
    ranking = {entry["name"]: entry["confidence"] for entry in message.get("intent_ranking")}
    assert ranking.keys() == {"faq", "greet", "goodbye"}
    assert sum(ranking.values()) == pytest.approx(1.0)
    assert message.get("intent")["name"] == "greet"


def test_regularisation_is_configurable_and_survives_saving_and_loading(pipeline):
    classifier = pipeline.train({"C": 7.5})
    assert classifier.clf.C == 7.5
    before = pipeline.classify(classifier, "what does it cost").get("intent_ranking")

    loaded = pipeline.load({"C": 7.5})
    assert loaded.clf.C == 7.5
    assert pipeline.classify(loaded, "what does it cost").get("intent_ranking") == before


def test_a_ranking_length_cuts_the_ranking_after_summing(pipeline):
    classifier = pipeline.train({"ranking_length": 2})
    ranking = pipeline.classify(classifier, "farvel").get("intent_ranking")
    assert len(ranking) == 2
    assert ranking[0]["name"] == "goodbye"


def test_the_capped_iterations_do_not_warn_but_other_warnings_still_show(pipeline):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipeline.train({"max_iter": 1})
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert [type(w.message).__name__ for w in caught] == ["UserWarning"]
