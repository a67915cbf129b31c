import pytest

from inspections import services
from inspections.models import Inspection
from tests.inspections.helpers import decided_inspection


@pytest.fixture
def on_site(bob, alice):
    """alice's team is on site at an inspection bob decided."""
    inspection = decided_inspection(supervisor=bob, lead=alice)
    return services.inspection_transition(
        by=alice, inspection=inspection, to=Inspection.Status.ON_SITE
    )
