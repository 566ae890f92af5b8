"""``{{ form.field|bs_field }}``: the markup of crispy-forms' ``as_crispy_field`` (Bootstrap 5), written
in Python for the widgets list filters and the request page's forms use — text and date inputs,
selects, text areas, check boxes, file inputs for a new upload.

Issue 14: the request list's twelve filter fields cost 16 ms of its 48 through crispy's field template
(one include per field, one per option, one per attribute set); this renders the same HTML in well
under a millisecond; the request page's forms drew their check boxes through it for ~3 ms. Anything
else — radios, a stored file, a form with a crispy helper — goes to ``as_crispy_field`` unchanged.
``tests/common/test_fields.py`` compares the two outputs.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.markup import esc as _esc

register = template.Library()

# The widgets drawn here, by the template Django would render them with (a custom template → crispy).
_TEMPLATES = {
    "django/forms/widgets/select.html",
    "django/forms/widgets/checkbox.html",
    "django/forms/widgets/clearable_file_input.html",
    "django/forms/widgets/file.html",
    "django/forms/widgets/textarea.html",
    *(
        f"django/forms/widgets/{kind}.html"
        for kind in ("text", "number", "email", "url", "date", "datetime", "time", "search", "tel")
    ),
}


def _attrs(attrs: dict) -> SafeString:
    """Django's ``attrs.html``: ``True`` as a bare name, ``False`` and ``None`` left out."""
    return mark_safe(
        "".join(
            f" {_esc(name)}" if value is True else f' {_esc(name)}="{_esc(value)}"'
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def _option(o: dict) -> str:
    return f'<option value="{_esc(o["value"])}"{_attrs(o["attrs"])}>{_esc(o["label"])}</option>'


def _options(widget: dict) -> SafeString:
    parts = []
    for group, options, _index in widget["optgroups"]:
        rendered = "".join(map(_option, options))
        if group:
            rendered = f'<optgroup label="{_esc(group)}">{rendered}</optgroup>'
        parts.append(rendered)
    return mark_safe("".join(parts))


def _classes(widget: forms.Widget, css: str) -> str:
    """crispy's ``crispy_field``: the widget's classes, its class name in lower case, then ``css``."""
    name = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "")
    classes = (classes if name in classes else f"{classes} {name}") if classes else name
    words = classes.split()
    return " ".join(words + [word for word in css.split() if word not in words])


def _context(field: BoundField, attrs: dict, value) -> dict:
    """The widget's template context, with the attributes and id Django's ``BoundField`` would give it."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs)
    if field.auto_id and "id" not in widget.attrs:
        attrs["id"] = field.auto_id
    return widget.get_context(field.html_name, value, attrs)["widget"]


def _widget(field: BoundField, css: str) -> SafeString:
    widget = field.field.widget
    context = _context(field, {"class": _classes(widget, css)}, field.value())
    if widget.template_name.endswith("/select.html"):
        return format_html(
            '<select name="{}"{}>{}</select>', context["name"], _attrs(context["attrs"]), _options(context)
        )
    if widget.template_name.endswith("/textarea.html"):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            _attrs(context["attrs"]),
            context["value"] or "",
        )
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(context["attrs"]),
    )


def _is_file(widget: forms.Widget) -> bool:
    return isinstance(widget, forms.FileInput)


def supported(field: BoundField) -> bool:
    widget = field.field.widget
    if _is_file(widget) and (field.field.disabled or getattr(field.value(), "url", None)):
        return False  # a stored file shown with its "clear" box, or a disabled input: crispy draws it
    return (
        getattr(field.form, "helper", None) is None
        and not field.is_hidden
        and not isinstance(widget, forms.MultiWidget)
        and getattr(widget, "template_name", None) in _TEMPLATES
    )


def _required_mark(field: BoundField) -> str:
    return mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,  # type: ignore[attr-defined]  # Django 5.2 sets it; the stubs lag
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((i, field.auto_id, e) for i, e in enumerate(field.errors, 1)),
        ),
    )


def _help(field: BoundField) -> str:
    if not field.help_text:
        return ""
    return format_html(
        '<div{} class="form-text">{}</div>',
        format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else "",
        mark_safe(field.help_text),  # as crispy: help texts are the code's own markup
    )


def _checkbox(field: BoundField) -> SafeString:
    """crispy's check box: the input, then its label, in a ``form-check`` inside a ``mb-3``."""
    css = "form-check-input is-invalid" if field.errors else "form-check-input"
    css_classes = field.css_classes()
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="form-check{}">{}'
        '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
        field.auto_id,
        f" {css_classes}" if css_classes else "",
        _widget(field, css),
        field.id_for_label,
        " requiredField" if field.field.required else "",
        field.label,
        _required_mark(field),
        _errors(field),
        _help(field),
    )


def _file(field: BoundField) -> SafeString:
    """crispy's ``field_file.html`` for a new upload: the input with its errors and help in a ``div``."""
    context = _context(field, {}, None)  # a new upload: no stored file to show
    extra = context["attrs"].get("class")
    css = "form-control" + (f" {extra}" if extra else "") + (" is-invalid" if field.errors else "")
    return format_html(
        '<div{}><input type="{}" name="{}" class="{}"{}>{}{}</div>',
        mark_safe(' class="is-invalid"') if field.errors else "",
        context["type"],
        context["name"],
        css,
        _attrs({k: v for k, v in context["attrs"].items() if k != "class"}),
        _errors(field),
        _help(field),
    )


@register.filter
def bs_field(field: BoundField) -> SafeString:
    if not supported(field):
        return as_crispy_field(field)
    if field.field.widget.template_name.endswith("/checkbox.html"):
        return _checkbox(field)
    select = field.field.widget.template_name.endswith("/select.html")
    css = "form-select" if select else "form-control"
    if field.errors:
        css += " is-invalid"
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if field.field.required else "",
            field.label,
            _required_mark(field),
        )
    css_classes = field.css_classes()
    if _is_file(field.field.widget):
        body = _file(field)  # the errors and help inside the file's own div
    else:
        body = format_html("{}{}{}", _widget(field, css), _errors(field), _help(field))
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}</div>',
        field.auto_id,
        f" {css_classes}" if css_classes else "",
        label,
        body,
    )
