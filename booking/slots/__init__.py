"""Slots: when a service can be booked.

The pure engine (free slots from working hours, absences and bookings), the search that loads
schedules from the database, and each caseworker's working hours and absences.
"""
