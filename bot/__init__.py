"""Rasa-side code that is not training data: custom channels (bot.channels)."""
