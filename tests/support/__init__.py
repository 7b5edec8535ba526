"""What the tests share besides their fixtures; no test module is ever imported.

- settings: the settings config/settings.py makes for given variables, fresh processes,
  the one line a start-up refuses with, production's settings.
- fixtures: the fixtures tests/conftest.py and the proof both use.
- release: heroku-release.sh run as the platform runs it.
- smtp: a real SMTP server with a throwaway certificate.
"""
