"""Form fields shared by the apps' pages."""

from django import forms

from registry.text import place_key


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (the pattern of Django's documentation); the
    service checks each file's content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(item, initial) for item in data]
        return [one(data, initial)] if data else []


class _DictionaryOrder(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda o: place_key(str(o))):
            yield self.choice(obj)


class ProvinceChoiceField(forms.ModelChoiceField):
    """A choice of provinces in Vietnamese dictionary order of the name without its kind,
    whatever the database's collation: "Thành phố Đà Nẵng" after "Thành phố Cần Thơ" and
    "Tỉnh Cao Bằng", not after "Tỉnh Vĩnh Long"."""

    iterator = _DictionaryOrder


def add_domain_errors(form, exc, field_for=None) -> None:
    """Put a service's `DomainError` on the form: each field error on its field (named
    by `field_for(name)` when the service's names differ from the form's), the rest on
    the whole form."""
    rendered = exc.render_errors()
    if not rendered:
        form.add_error(None, exc.render())
    for field, errors in rendered.items():
        target = field_for(field) if field_for else field
        for error in errors:
            form.add_error(target if target in form.fields else None, error["message"])
