"""Where the assistant keeps conversations: a tracker store that keeps nothing personal.

`redaction` (pure, standard library only: importable in both venvs) finds and replaces personal
values; `tracker_store` (Rasa) stores events redacted, with the originals encrypted only while
a flow needs them.
"""
