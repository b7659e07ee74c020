"""What the assistant knows: intents, example phrasings, FAQ answers, and their history.

The content lives in the database (`models`), imported once from the shipped `bot/data`
(`training_data.import_shipped`) and written back as Rasa training data for a training
(`training_data.write_training_data`). Administrators change it through `content`, whose use
cases check `rules` and record each change so it can be reverted. `trainings` (the job's state
machine, publishing only when no worse), `runner` (rasa train and rasa test nlu as
subprocesses), `evaluation` (progress and reports), `rasa_servers` (Rasa's HTTP API) and
`held_out` (administrators' test phrasings) train, evaluate and publish it. Imports neither Flask
nor Rasa: the bot's own environment runs as a subprocess or is reached over HTTP.
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
from booking.assistant.held_out import (
    add_test_phrasing,
    admin_held_out,
    list_test_phrasings,
    remove_test_phrasing,
)
from booking.assistant.models import (
    FAQ_PREFIX,
    AssistantAnswer,
    AssistantChange,
    AssistantExample,
    AssistantIntent,
    AssistantPublication,
    AssistantTestPhrasing,
    AssistantTraining,
    TrainingStatus,
)
from booking.assistant.rules import FACTS, MIN_EXAMPLES_PER_LANGUAGE
from booking.assistant.training_data import (
    held_out_phrasings,
    import_shipped,
    write_training_data,
)

__all__ = [
    "AssistantPublication",
    "AssistantTestPhrasing",
    "AssistantTraining",
    "TrainingStatus",
    "add_test_phrasing",
    "admin_held_out",
    "list_test_phrasings",
    "remove_test_phrasing",
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
