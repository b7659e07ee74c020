# The assistant (Rasa): train when its files change, validate, story tests, NLU gate, actions tests.
RASA := $(BOTVENV)/bin/rasa
BOT_MODEL := models/borgerbooking.tar.gz
BOT_FILES := config.yml domain.yml $(shell find bot/data -name '*.yml' 2>/dev/null)
NLU_MIN_F1 ?= 0.95

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

# Held-out utterances, never trained on; fails below macro-F1 $(NLU_MIN_F1) over intents or
# below an intent's own minimum (out_of_scope 0.85, bot/tests/nlu_gate.py).
bot-test-nlu: $(BOT_MODEL)
	$(RASA) test nlu --nlu bot/tests/nlu_holdout.yml --model $(BOT_MODEL) --out reports/nlu
	$(BOTVENV)/bin/python bot/tests/nlu_gate.py reports/nlu/intent_report.json $(NLU_MIN_F1)

# The pytest suites that run in the Rasa venv: tests/actions (the actions against the in-memory
# FakeBookingApi, no server), tests/channels (the Twilio channel) and tests/e2e (the client's
# contract test against the real web app under gunicorn, and the end-to-end chats with rasa and
# the action server). --confcutdir keeps pytest from loading conftest.py files above
# tests/actions, i.e. tests/conftest.py, whose fixtures need the web venv's Flask.
BOT_PYTEST_DIRS := tests/actions tests/channels tests/stores tests/nlu tests/e2e
bot-pytest: $(BOT_MODEL) $(VENV)/.installed
	$(BOTVENV)/bin/pytest -q --confcutdir=tests/actions $(BOT_PYTEST_DIRS)

bot-test: bot-validate bot-test-stories bot-test-nlu bot-pytest

SETUP_EXTRA += $(BOT_MODEL)
TEST_EXTRA += bot-validate bot-test-stories bot-test-nlu bot-pytest
