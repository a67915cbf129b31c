# The inspection fixtures some of these tests start from.
from tests.inspections.conftest import on_site  # noqa: F401
