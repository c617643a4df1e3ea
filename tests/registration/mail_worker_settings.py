"""Settings for mail workers that tests start as subprocesses: the test settings, sending
through the recording backend (tests/registration/recording_backend.py)."""

from gotc.settings_test import *  # noqa: F403

EMAIL_BACKEND = "tests.registration.recording_backend.RecordingBackend"
POST_OFFICE = {**POST_OFFICE, "BACKENDS": {"default": EMAIL_BACKEND}}  # noqa: F405
EMAIL_DELIVERY = "worker"
