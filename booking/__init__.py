"""Borgerbooking's domain: services, slots, bookings, consent, notifications. No Flask here."""
