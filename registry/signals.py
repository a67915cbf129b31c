"""Signals the registry sends for the apps above it to act on, without knowing them."""

from django.dispatch import Signal

# `manage.py seed_demo`, inside its transaction, once every demo user has a new password.
# Arguments: `passwords` ({username: password}) and `stdout` (the command's output).
demo_users_seeded = Signal()

# registry.second_factor.complete_login, once a session has passed the second factor.
# Arguments: `request`, `user` and `device` (the django-otp device that passed it). The
# vault unlocks the key the password opened.
second_factor_passed = Signal()
