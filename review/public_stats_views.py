"""The public statistics page and its CSV (/thong-ke/): no login, no script."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from registry.routers import replica_reads
from review import exports, public_stats
from review.public_stats_forms import PublicStatsForm


def _chosen(request, year: int | None):
    """The form bound to what was asked (the year in the path wins over `nam`)."""
    if year is not None and public_stats.stats_period(year) is None:
        raise Http404
    data = {
        "nam": year
        if year is not None
        else request.GET.get("nam") or public_stats.last_published_year(),
        "tinh": request.GET.get("tinh", ""),
    }
    return PublicStatsForm(data)


@replica_reads
def public_stats_page(request, year: int | None = None):
    form = _chosen(request, year)
    valid = form.is_valid()
    chosen_year = form.cleaned_data["nam"] if valid else public_stats.last_published_year()
    province = form.cleaned_data["tinh"] if valid else ""
    if valid and request.GET.get("format") == "csv":
        return _csv(chosen_year, province)
    table = public_stats.stats_table(public_stats.stats_period(chosen_year))
    context = {
        "form": form,
        "table": table,
        "province": province,
        "rows": table.only(province),
        "chosen": next((r for r in table.rows if province and r.code == province), None),
        "measures": public_stats.MEASURES,
        "years": public_stats.published_years(),
    }
    return render(request, "review/public_stats.html", context, status=200 if valid else 400)


@replica_reads
def public_stats_csv(request, year: int):
    form = _chosen(request, year)
    if not form.is_valid():
        raise Http404
    return _csv(year, form.cleaned_data["tinh"])


def _csv(year: int, province: str):
    table = public_stats.stats_table(public_stats.stats_period(year))
    headers, rows = public_stats.csv_table(table, province)
    response = StreamingHttpResponse(
        exports.csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
    )
    name = f"thong-ke-{year}{'-' + province if province else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
