"""What registration tells other apps, without knowing them (imports run one way:
docs/architecture.md). The API's webhooks listen here (api.webhooks).

The registration signals are sent inside the service's transaction, after the change is
written: a receiver that writes rows (an outbox) commits or rolls back with the change. A
receiver must be quick and must not fail for reasons of its own (no network here).

- ``registration_created(registration)``: a new registration, or a cancelled one brought back;
- ``registration_changed(registration)``: its forum picks changed (or it left a waiting list);
- ``registration_cancelled(registration)``;
- ``registration_promoted(registration, forum)``: seated from ``forum``'s waiting list;
- ``registration_checked_in(registration)``: checked in at the entrance (once);
- ``worker_pass()``: sent by ``manage.py mail_worker`` after each pass over the mail queue,
  so that other outboxes are drained by the same worker process. Receivers send what is due
  and return; a database error they raise is the worker's to back off from.
"""

from django.dispatch import Signal

registration_created = Signal()
registration_changed = Signal()
registration_cancelled = Signal()
registration_promoted = Signal()
registration_checked_in = Signal()
worker_pass = Signal()
