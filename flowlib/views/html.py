"""HTML from jinja2 templates with autoescaping on: the one way flowlib and the course build HTML.

Rule 1: HTML is written in ``templates/*.html.j2`` beside the package that shows it and rendered here;
every ``{{ value }}`` is escaped (quotes too, as :func:`html.escape` does, since values end up in
attributes), so only what a template marks ``|safe`` (HTML built by another template, or SVG built by
flowlib's own escaping writers) goes in as it is. SVG and DOT builders keep their own escaping.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

from flowlib.views.markup import inline_markdown


def _finalize(value):
    """Every ``{{ value }}``: escaped like :func:`html.escape` (``&#x27;``), None as nothing."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


@functools.lru_cache(maxsize=None)
def environment(package: str = "flowlib.views"):
    """The jinja2 environment for ``package``'s ``templates`` folder (package data), autoescaping on."""
    import jinja2  # only HTML views need it; `import flowlib` does not load it
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["markdown"] = lambda text: Markup(inline_markdown(text))
    return env


def render(template: str, /, **context) -> str:
    """``template`` (a file in flowlib/views/templates) filled with ``context``, every value escaped.

    >>> render("legend.html.j2", items=[("a<b", "#123456")]).count("a&lt;b")
    1
    """
    return environment().get_template(template).render(**context)


def renderer(package: str) -> Callable[..., str]:
    """A :func:`render` for another package's ``templates`` folder (the course's, for one).

    >>> renderer("flowlib.views")("legend.html.j2", items=[]).startswith("<div")
    True
    """
    def render_from(template: str, /, **context) -> str:
        return environment(package).get_template(template).render(**context)

    render_from.__doc__ = f"A template of {package}'s templates folder, filled with ``context``, values escaped."
    return render_from
