"""/work/<key>/: the whole of a home page queue that has no list page of its own in its
app (registry/home.py `register_list`), e.g. the minutes a team member still has to sign.
The queue on the home page counts this same list."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from registry import home

PAGE_SIZE = 25


@login_required
def work_list(request, key: str):
    found = home.work_list(key)
    if found is None:
        raise Http404
    items = list(found.fetch(request.user))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/home/work_list.html", {"work": found, "page": page})
