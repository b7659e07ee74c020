"""Rasa custom actions for the Borgerbooking assistant.

The actions are a client of the booking service's HTTP API (/api/v1) and import nothing from
`booking/` or `web/`: in production the action server is its own container.
"""
