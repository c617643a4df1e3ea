"""Attendee pages: ``register`` (the form, done, privacy, new link) and ``manage`` (the private
page behind the emailed link: ticket, picks, cancel, calendar, data, delete)."""
