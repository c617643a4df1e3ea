"""Attendee pages: ``register`` (the form, done, privacy, lost link), ``manage`` (the private
page behind the emailed link: ticket, picks, cancel, data, delete, "this link leaked") and
``calendar`` (the seated forums behind a read-only link of their own)."""
