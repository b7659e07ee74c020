"""Notifications: SMS and e-mail senders, the transactional outbox and its dispatcher."""
