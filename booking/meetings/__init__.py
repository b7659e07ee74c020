"""Meetings: Jitsi rooms and tokens, calendar files and feeds, signed meeting links, and meeting
times written as Danish and English readers expect them."""
