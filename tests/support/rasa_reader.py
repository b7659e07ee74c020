"""Run in the bot's venv: what Rasa's own loader reads from a data directory, as JSON.

`python rasa_reader.py <data dir>` prints {"intents": {name: [text, …]}, "entities":
{text: [[start, end, entity, value], …]}, "responses": {name: [variation, …]}, "order": [text,
…]}; the examples are Rasa's texts with the annotations already parsed out, so two directories
compare equal only when Rasa trains on the same thing, in the same order (the order decides
DIET's batches, so it decides the model).
"""

from __future__ import annotations

import json
import sys

from rasa.shared.importers.importer import TrainingDataImporter


def read(data_dir: str) -> dict:
    importer = TrainingDataImporter.load_from_dict(
        training_data_paths=[data_dir], domain_path="domain.yml", config_path="config.yml"
    )
    nlu = importer.get_nlu_data()
    intents: dict[str, list[str]] = {}
    entities: dict[str, list[list]] = {}
    for message in nlu.intent_examples:
        name = message.get("intent")
        if message.get("intent_response_key"):
            name = message.get("intent_response_key")
        intents.setdefault(name, []).append(message.get("text"))
        found = message.get("entities") or []
        if found:
            entities[message.get("text")] = [
                [e["start"], e["end"], e["entity"], e.get("value")] for e in found
            ]
    return {
        "intents": {name: sorted(texts) for name, texts in intents.items()},
        "entities": entities,
        "responses": nlu.responses,
        "synonyms": nlu.entity_synonyms,
        "rules_and_stories": len(importer.get_stories().story_steps),
        "order": [message.get("text") for message in nlu.training_examples],
    }


if __name__ == "__main__":
    json.dump(read(sys.argv[1]), sys.stdout, ensure_ascii=False, sort_keys=True)
