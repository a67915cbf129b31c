"""What inspections tell violation handling, the floor above, without importing it.

Receivers run synchronously inside the sender's transaction, so what they write commits
or rolls back with the change; a domain error a receiver raises refuses the change.
"""

from django.dispatch import Signal

# A test report says a sample (not a re-test) failed. Sent with `sample` and `by`, who
# recorded the report.
sample_failed = Signal()

# An inspection is about to be closed. Sent with `inspection`; a receiver raises a
# domain error (Conflict) when something still open forbids closing.
inspection_closing = Signal()

# An inspection was concluded. Sent with `by` and `inspection`.
inspection_concluded = Signal()
