"""Who may see and do what: the only module of this app that talks to django-guardian.

Other apps keep their own `permissions.py` for their object permissions and build on
`restrict` (through `ScopedQuerySet.visible_to`) for every read.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Field, Lookup, Q, QuerySet
from django.db.models.lookups import In
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from registry import access_cache
from registry.errors import NotFound, PermissionDenied

_MISSING = object()


def _has_direct_object_permissions(model) -> bool:
    user_model = get_user_obj_perms_model(model)
    group_model = get_group_obj_perms_model(model)
    return not (user_model.objects.is_generic() or group_model.objects.is_generic())


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Return the rows of `queryset` that `user` may `action` (view, change, ...)."""
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()

    owner_field = getattr(model, "scope_owner_field", None)
    if owner_field:
        return queryset.filter(**{owner_field: user})

    unit_field = getattr(model, "scope_unit_field", _MISSING)
    if unit_field is _MISSING:
        raise ImproperlyConfigured(
            f"{model.__name__} declares neither scope_unit_field nor scope_owner_field."
        )

    codename = f"{action}_{model._meta.model_name}"
    by_unit = None
    if user.has_perm(f"{model._meta.app_label}.{codename}"):
        if unit_field is None or (user.unit_id and user.unit.is_national):
            return queryset
        if user.unit_id:
            by_unit = Q(**{unit_field: user.unit_id})

    if _has_direct_object_permissions(model):
        # Object permissions only (not global ones): rows opened one by one beyond the
        # unit, such as a team member's inspection.
        # Grants on rows of the user's own unit add nothing to what the role opens (an
        # officer holds one on every report given to them): leave them out, so that
        # most lists are the unit's index alone.
        by_object = _granted(model, user, codename, outside_unit=user.unit_id if by_unit else None)
        if by_object is None:
            return queryset.filter(by_unit) if by_unit else queryset.none()
        return queryset.filter(by_unit | by_object if by_unit else by_object)
    return queryset.filter(by_unit) if by_unit else queryset.none()


# Up to this many rows opened by object permission are listed by id in the query, so
# that PostgreSQL combines the unit's index and the primary key (a BitmapOr) instead of
# testing a subquery against every row of the table; beyond it, a subquery.
MAX_LISTED_GRANTS = 5000


@Field.register_lookup
class AnyOf(Lookup):
    """`pk__any_of=ids`: the rows of `pk__in=ids`, sent to PostgreSQL as one array
    parameter (`= ANY(%s)`, which PostgreSQL plans as it plans an IN list) instead of one
    placeholder per id. With a cached list of 2,000 grants, compiling and quoting 2,000
    placeholders twice (the page and its count) took most of the request's time."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs]
        return f"{lhs} = ANY(%s::{field.rel_db_type(connection)}[])", [*lhs_params, values]


def _granted(model, user, codename: str, outside_unit: int | None = None) -> Q | None:
    """The `model` rows `user` holds `codename` on through django-guardian's direct
    object-permission models, for the user or one of their groups, but those of the unit
    `outside_unit`; None when there are none.

    The same rule as guardian's get_objects_for_user(..., accept_global_perms=False),
    written against the direct models: get_objects_for_user filters the model's whole
    table by both permission tables, which at a million reports became a subquery
    evaluated per row (bench/case_list.py).

    The listed ids are cached per user (registry/access_cache.py): finding them probes
    each granted row for its unit, tens of milliseconds for an officer holding thousands
    of grants. They are computed with the unit filter applied, so the cached list changes
    when a granted row changes unit too (access_cache's "moves"), not only when a grant
    does."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    perm = {"permission__codename": codename, "permission__content_type": content_type}
    by_user = get_user_obj_perms_model(model).objects.filter(user=user, **perm)
    by_group = get_group_obj_perms_model(model).objects.filter(group__user=user, **perm)
    if outside_unit is not None:
        outside = {f"content_object__{model.scope_unit_field}": outside_unit}
        by_user, by_group = by_user.exclude(**outside), by_group.exclude(**outside)
    by_user, by_group = by_user.values("content_object_id"), by_group.values("content_object_id")

    def listed() -> list | None:
        """The ids, or None beyond MAX_LISTED_GRANTS."""
        ids = [row["content_object_id"] for row in by_user.union(by_group)[: MAX_LISTED_GRANTS + 1]]
        return ids if len(ids) <= MAX_LISTED_GRANTS else None

    but = "-" if outside_unit is None else outside_unit
    ids = access_cache.remembered(user.pk, f"grants:{content_type.pk}:{codename}:{but}", listed)
    if ids is None:
        return Q(pk__in=by_user) | Q(pk__in=by_group)
    return Q(pk__any_of=ids) if ids else None


def get_visible(queryset: QuerySet, user, action: str = "view", **lookup):
    """One object the user may `action`, or NotFound: a hidden object looks missing."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def require_perm(user, perm: str, obj=None) -> None:
    """Check a permission a service needs; PermissionDenied otherwise.

    Services call this for writes after fetching the object through a selector, so a
    user who cannot see the object already got a 404.
    """
    if not (user and user.is_authenticated and user.is_active and user.has_perm(perm, obj)):
        raise PermissionDenied()


def require_object_perm(user, action: str, obj) -> None:
    """The user may `action` this object through their role in its unit or an object
    permission: the same rule as reads (`restrict`), so what one may change one also
    sees. Raises PermissionDenied otherwise."""
    model = type(obj)
    if not restrict(model._default_manager.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied()
