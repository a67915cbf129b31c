from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from api import errors
from api.auth import staff_auth


class UnicodeJSONRenderer(JSONRenderer):
    # Vietnamese text readable as it is in responses (still valid UTF-8 JSON).
    json_dumps_params = {"ensure_ascii": False}


def _refuse_nul(value) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise errors.NulCharacter()
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)


class TextParser(Parser):
    """JSON bodies, query strings and forms without NUL characters: nobody types one,
    PostgreSQL text cannot hold one, and a 500 on the first query would be the answer."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result)
        return result


api = NinjaAPI(
    title="Giám sát thị trường — API",
    version="1",
    description=(
        "API cho máy tính bảng của kiểm tra viên và trang công khai. Lỗi trả về "
        "`{code, message, messages: {vi, en}, errors}`. / API for inspectors' tablets and "
        "the public site. Errors are `{code, message, messages: {vi, en}, errors}`."
    ),
    auth=staff_auth,
    docs=Swagger(),
    docs_url="/docs",
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
    parser=TextParser(),
)
errors.install(api)

api.add_router("", "registry.api.router")
api.add_router("", "complaints.api.public")
api.add_router("", "complaints.reward_api.public")
# Before complaints' staff routes: its /complaints/inspections (an inspection on the
# ground of reports) would otherwise be taken for /complaints/{complaint_id}.
api.add_router("", "inspections.api.router")
api.add_router("", "complaints.api.staff")
api.add_router("", "violations.api.router")
api.add_router("", "violations.api.public")
api.add_router("", "review.api.router")
