"""Signals other apps listen to, so a draw never needs to know who owns it (e.g. a task)."""

from django.dispatch import Signal

# Sent inside the reveal's transaction with draw= and actor=; a receiver's failure rolls the reveal back.
draw_revealed = Signal()
# Sent inside the void's transaction with draw= and actor=.
draw_voided = Signal()
# Sent inside an approved recusal's transaction with draw=, entity=, department=, recused= and replacement=
# (inspectors), reason= and actor=: whoever shows or checks a visit's team follows the change.
team_changed = Signal()
