# The assistant (Rasa): train when its files change, validate, story tests, NLU gate, actions tests.
RASA := $(BOTVENV)/bin/rasa
BOT_MODEL := models/borgerbooking.tar.gz
BOT_FILES := config.yml domain.yml $(shell find bot/data -name '*.yml' 2>/dev/null)
NLU_MIN_F1 ?= 0.90

.PHONY: bot-train bot-validate bot-test-stories bot-test-nlu bot-pytest bot-test

# Retrained only when config, domain or training data are newer than the model (the venv is
# order-only: reinstalling packages does not retrain).
$(BOT_MODEL): $(BOT_FILES) | $(BOTVENV)/.installed
	$(RASA) train --data bot/data --domain domain.yml --config config.yml \
	  --fixed-model-name borgerbooking --out models
	touch $@
bot-train: $(BOT_MODEL)

bot-validate: $(BOTVENV)/.installed
	$(RASA) data validate --data bot/data --domain domain.yml --config config.yml

# Fails on any story whose predicted actions differ (reports/core/failed_test_stories.yml).
bot-test-stories: $(BOT_MODEL)
	$(RASA) test core --stories bot/tests/test_stories.yml --model $(BOT_MODEL) \
	  --out reports/core --fail-on-prediction-errors

# Held-out utterances, never trained on; fails below macro-F1 $(NLU_MIN_F1) over intents.
bot-test-nlu: $(BOT_MODEL)
	$(RASA) test nlu --nlu bot/tests/nlu_holdout.yml --model $(BOT_MODEL) --out reports/nlu
	$(BOTVENV)/bin/python tests/bot/nlu_gate.py reports/nlu/intent_report.json $(NLU_MIN_F1)

# Actions against a real booking service; the end-to-end test also starts rasa and actions.
bot-pytest: $(BOT_MODEL) $(VENV)/.installed
	$(BOTVENV)/bin/pytest -q --confcutdir=tests/bot tests/bot

bot-test: bot-validate bot-test-stories bot-test-nlu bot-pytest

SETUP_EXTRA += $(BOT_MODEL)
TEST_EXTRA += bot-validate bot-test-stories bot-test-nlu bot-pytest
