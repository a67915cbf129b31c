from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from api import errors
from api.auth import staff_auth


class UnicodeJSONRenderer(JSONRenderer):
    # Vietnamese text readable as it is in responses (still valid UTF-8 JSON).
    json_dumps_params = {"ensure_ascii": False}


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
)
errors.install(api)

api.add_router("", "registry.api.router")
api.add_router("", "complaints.api.public")
api.add_router("", "complaints.api.staff")
api.add_router("", "inspections.api.router")
api.add_router("", "inspections.violations_api.router")
api.add_router("", "inspections.violations_api.public")
api.add_router("", "review.api.router")
