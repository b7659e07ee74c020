"""Borgerbooking's domain: who books what and when, and what is kept about it. No Flask here.

Feature packages, each re-exporting its public functions: `bookings` (the use cases),
`slots` (when a service can be booked), `meetings` (Jitsi, calendar files, links),
`privacy` (consent, audit, retention), `staff` (logins and caseworkers) and `notify` (the
outbox and its senders); beside them `models`, `db`, `errors` and the demo data (`demo`).
The allowed imports between them are in docs/architecture.md and checked by import-linter.
"""
