"""The one way a read of protected data is restricted to what a user may see.

Every model that holds protected data uses `ScopedQuerySet` as its manager and declares
how its rows belong to a unit:

    class Inspection(models.Model):
        scope_unit_field = "unit"        # path to the owning Unit; None: shared by all staff
        objects = ScopedQuerySet.as_manager()

    (or `scope_owner_field = "user"` for rows private to one person, such as API tokens).

`Model.objects.visible_to(user)` then returns only the rows the user may see:

- a role whose group holds the model permission (e.g. `view_inspection`) sees the rows of
  the user's own unit, or every row when the user belongs to the national unit;
- besides, django-guardian object permissions (direct foreign-key models) open single
  rows, e.g. a team member on their inspection or a handler on an assigned case;
- anonymous and inactive users see nothing.

Selectors start from `visible_to`, and single objects are fetched from that queryset, so
an object outside it is a 404 that does not confirm it exists.
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> "ScopedQuerySet":
        from registry.permissions import restrict

        return restrict(self, user, action)
