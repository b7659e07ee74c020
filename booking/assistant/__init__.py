"""What the assistant knows: intents, example phrasings, FAQ answers, and their history.

The content lives in the database (`models`), imported once from the shipped `bot/data`
(`training_data.import_shipped`) and written back as Rasa training data for a training
(`training_data.write_training_data`). Administrators change it through `content`, whose use
cases check `rules` and record each change so it can be reverted. Imports neither Flask nor
Rasa: the bot's own environment reads the files this package writes.
"""

from booking.assistant.content import (
    Difference,
    add_faq,
    difference,
    get_intent,
    history,
    list_intents,
    retire_faq,
    revert_change,
    set_answer,
    set_examples,
    snapshot,
)
from booking.assistant.models import (
    FAQ_PREFIX,
    AssistantAnswer,
    AssistantChange,
    AssistantExample,
    AssistantIntent,
)
from booking.assistant.rules import FACTS, MIN_EXAMPLES_PER_LANGUAGE
from booking.assistant.training_data import (
    held_out_phrasings,
    import_shipped,
    write_training_data,
)

__all__ = [
    "FACTS",
    "FAQ_PREFIX",
    "MIN_EXAMPLES_PER_LANGUAGE",
    "AssistantAnswer",
    "AssistantChange",
    "AssistantExample",
    "AssistantIntent",
    "Difference",
    "add_faq",
    "difference",
    "get_intent",
    "held_out_phrasings",
    "history",
    "import_shipped",
    "list_intents",
    "retire_faq",
    "revert_change",
    "set_answer",
    "set_examples",
    "snapshot",
    "write_training_data",
]
