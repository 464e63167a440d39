"""One step window for every view: the same forms are accepted and the same windows refused, in the same words."""

from __future__ import annotations

import pytest

from flowlib import parse
from flowlib.analysis.select import check_steps, select_messages
from flowlib.views.graph import communication_view
from flowlib.views.mermaid import to_mermaid
from flowlib.views.svg import sequence_svg
from flowlib.views.text import step_list, step_list_html

# select_messages is what every view below calls; it is tested through them and on its own.

THREE = parse("@startuml\nA -> B: one\nB -> C: two\nC -> A: three\n@enduml")

VIEWS = {
    "step_list": lambda d, steps: step_list(d, steps=steps),
    "step_list_html": lambda d, steps: step_list_html(d, steps=steps),
    "sequence_svg": lambda d, steps: sequence_svg(d, steps=steps),
    "communication_view": lambda d, steps: communication_view(d, steps=steps).source,
    "to_mermaid": lambda d, steps: to_mermaid(d, steps=steps).source,
}

ACCEPTED = [
    (2, (2, 2)),
    ((2, 3), (2, 3)),
    ([1, 2], (1, 2)),
    (range(2, 4), (2, 3)),
    ("2-3", (2, 3)),
    ("2..3", (2, 3)),
    ("3", (3, 3)),
    (" 1 - 2 ", (1, 2)),
]

REFUSED = [
    ((2, 9), "steps 2-9: the diagram has 3 steps"),
    ((4, 4), "steps 4-4: the diagram has 3 steps"),
    (0, "steps 0-0: need 1 <= first <= last"),
    ((3, 2), "steps 3-2: need 1 <= first <= last"),
    ("2-x", "steps must be N, (first, last), a range or 'A-B', got '2-x'"),
    ("1-2-3", "steps must be N, (first, last), a range or 'A-B', got '1-2-3'"),
    ((1, 2, 3), "steps must be N, (first, last), a range or 'A-B', got (1, 2, 3)"),
    (range(1, 3, 2), "steps must be N, (first, last), a range or 'A-B', got range(1, 3, 2)"),
    (range(2, 2), "steps must be N, (first, last), a range or 'A-B', got range(2, 2)"),
    (True, "steps must be N, (first, last), a range or 'A-B', got True"),
    (2.0, "steps must be N, (first, last), a range or 'A-B', got 2.0"),
]


@pytest.mark.parametrize("steps, window", ACCEPTED, ids=[repr(s) for s, _ in ACCEPTED])
def test_check_steps_reads_every_form(steps, window):
    assert check_steps(THREE, steps) == window


@pytest.mark.parametrize("view", [*VIEWS.values(), lambda d, s: select_messages(d, steps=s)],
                         ids=[*VIEWS.keys(), "select_messages"])
@pytest.mark.parametrize("steps, window", ACCEPTED, ids=[repr(s) for s, _ in ACCEPTED])
def test_every_view_accepts_the_same_forms_as_the_window_they_mean(view, steps, window):
    assert view(THREE, steps) == view(THREE, window)


@pytest.mark.parametrize("view", [*VIEWS.values(), lambda d, s: select_messages(d, steps=s)],
                         ids=[*VIEWS.keys(), "select_messages"])
@pytest.mark.parametrize("steps, message", REFUSED, ids=[repr(s) for s, _ in REFUSED])
def test_every_view_refuses_the_same_windows_in_the_same_words(view, steps, message):
    with pytest.raises(ValueError) as info:
        view(THREE, steps)
    assert str(info.value) == message


HIGHLIGHT_VIEWS = {
    "to_mermaid": lambda d, **kw: to_mermaid(d, **kw).source,
    "step_list": lambda d, **kw: step_list(d, **kw),
    "step_list_html": lambda d, **kw: step_list_html(d, **kw),
    "sequence_svg": lambda d, **kw: sequence_svg(d, **kw),
    "communication_view": lambda d, **kw: communication_view(d, **kw).source,
}


@pytest.mark.parametrize("view", HIGHLIGHT_VIEWS.values(), ids=HIGHLIGHT_VIEWS.keys())
@pytest.mark.parametrize("kwargs, message", [
    (dict(steps=(1, 2), highlight=3), "cannot highlight step 3: the filters leave it out (they show steps 1-2)"),
    (dict(highlight=4), "cannot highlight step 4: the diagram has steps 1 to 3"),
    (dict(highlight="2"), "highlight must be a step number, got '2'"),
], ids=["filtered-out", "no-such-step", "not-a-number"])
def test_every_view_refuses_the_same_highlights_in_the_same_words(view, kwargs, message):
    with pytest.raises(ValueError) as info:
        view(THREE, **kwargs)
    assert str(info.value) == message
