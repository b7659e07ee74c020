"""Bookings: the citizen's and the caseworker's use cases on a booking.

Book, view, cancel, reschedule, the caseworker's marks and note, finding a booking again by
reference and phone, the citizen's data rights with the manage token, and who may do which
(manage token or staff role); with the secrets handed to citizens (references, manage tokens,
one-time codes), idempotent create and phone-number normalisation.
"""
