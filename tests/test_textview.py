"""The text alternative: one line per shown step, phases as headers, the highlight marked; the HTML twin."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flowlib import Diagram, Message, Participant, parse_file
from flowlib.model import Divider
from flowlib.views.text import MARKER, step_list, step_list_html
from flowlib.analysis.wording import describe
from flowlib.analysis.select import select_messages

SEED = Path(__file__).resolve().parents[1] / "course" / "launch_course" / "content" / "launch-instance.puml"


def small():
    """Keystone talks to a token store; one reply, one async, one lost, one self, one from the edge."""
    people = (
        Participant("Client", "Client", kind="actor"),
        Participant("Keystone", "Keystone"),
        Participant("TS", "Token Store", kind="database"),
    )
    messages = (
        Message(1, "Client", "Keystone", "Authentication Request", phase="auth"),
        Message(2, "Keystone", "TS", "Save token", phase="auth"),
        Message(3, "TS", "Keystone", "", dotted=True, phase="auth"),
        Message(4, "Keystone", "Keystone", "check\npolicy", phase="work"),
        Message(5, "Keystone", "TS", "fire", head="async", phase="work"),
        Message(6, "Keystone", "TS", "gone", head="crossx", phase="work"),
        Message(7, None, "Client", "poke", exo="from_left", exo_short=False, phase="work"),
    )
    events = (Divider("auth "), *messages[:3], Divider(" work"), *messages[3:])
    return Diagram(participants=people, events=events, messages=messages, title="Small")


def test_small_list_reads_as_documented():
    text = step_list(small(), highlight=2)
    assert text.splitlines() == [
        "== auth ==",
        "  1. Client -> Keystone: Authentication Request [request]",
        f"{MARKER} 2. Keystone -> Token Store: Save token [request]",
        "  3. Token Store -> Keystone [reply]",
        "== work ==",
        "  4. Keystone -> Keystone: check policy [request, self]",
        "  5. Keystone -> Token Store: fire [request, async]",
        "  6. Keystone -> Token Store: gone [request, lost]",
        "  7. (left edge) -> Client: poke [request, from outside]",
    ]


def test_filters_phase_window_and_participants():
    d = small()
    assert [m.step for m in select_messages(d, phase="work")] == [4, 5, 6, 7]
    assert [m.step for m in select_messages(d, phase=" AUTH ")] == [1, 2, 3]  # blanks and case forgiven
    assert [m.step for m in select_messages(d, steps=(2, 4))] == [2, 3, 4]
    assert select_messages(d, steps=range(2, 5)) == select_messages(d, steps="2-4") == select_messages(d, steps="2..4")
    assert [m.step for m in select_messages(d, participants={"Client"})] == [1, 7]
    assert [m.step for m in select_messages(d, phase="work", steps=(1, 5))] == [4, 5]
    assert step_list(d, steps=(3, 4)).splitlines() == [
        "== auth ==",
        "  3. Token Store -> Keystone [reply]",
        "== work ==",
        "  4. Keystone -> Keystone: check policy [request, self]",
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(phase="nope"), "unknown phase 'nope'; phases: auth, work"),
        (dict(steps=(3, 2)), "steps 3-2: need 1 <= first <= last"),
        (dict(steps=(0, 2)), "steps 0-2: need 1 <= first <= last"),
        (dict(steps=(9, 12)), "steps 9-12: the diagram has 7 steps"),
        (dict(steps="2-x"), "steps must be N, (first, last), a range or 'A-B', got '2-x'"),
        (dict(steps=range(3, 3)), "steps must be N, (first, last), a range or 'A-B', got range(3, 3)"),
        (dict(highlight=8), "cannot highlight step 8: the diagram has steps 1 to 7"),
        (dict(phase="auth", highlight=5), "cannot highlight step 5: the filters leave it out (they show steps 1-3)"),
        (dict(participants={"Nobody"}), "unknown participant(s): 'Nobody'"),
    ],
    ids=["phase", "reversed", "zero", "past-end", "not-a-pair", "empty-range", "no-such-step", "filtered-out", "participant"],
)
def test_bad_filters_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError) as info:
        step_list(small(), **kwargs)
    assert str(info.value) == message


def test_seed_lists_every_step_once_in_order_under_its_phase():
    d = parse_file(SEED)
    lines = step_list(d, highlight=17).splitlines()
    headers = [line[3:-3] for line in lines if line.startswith("== ")]
    assert headers == list(d.phases)
    steps = [line for line in lines if not line.startswith("== ")]
    assert [int(line[2:].split(".")[0]) for line in steps] == [m.step for m in d.messages]
    assert [line[0] for line in steps].count(MARKER) == 1
    assert steps[16].startswith(f"{MARKER} 17. ")
    assert all(line[2:] == describe(d, m) for line, m in zip(steps, d.messages))


def test_html_is_escaped_markup_with_one_current_step():
    d = small()
    hostile = Message(8, "Keystone", "TS", '<script>alert(1)</script> & "q"', phase="work")
    d = Diagram(d.participants, d.events + (hostile,), d.messages + (hostile,))
    page = step_list_html(d, highlight=8)
    root = ET.fromstring(page)  # well-formed: every text escaped
    assert root.find(".//script") is None
    items = root.findall(".//li")
    assert [int(li.get("value")) for li in items] == list(range(1, 9))
    current = [li for li in items if li.get("aria-current") == "step"]
    assert len(current) == 1 and current[0].get("value") == "8"
    assert "".join(current[0].itertext()) == f'{MARKER} Keystone -> Token Store: <script>alert(1)</script> & "q" [request]'
    assert [p.findtext("strong") for p in root.findall("p")] == ["auth", "work"]


def test_empty_window_says_so():
    d = small()
    assert step_list(d, phase="auth", participants={"Client"}, steps=(2, 3)) == "(no steps)\n"
    assert "(no steps)" in step_list_html(d, phase="auth", participants={"Client"}, steps=(2, 3))


def test_count_noun():
    from flowlib.analysis.wording import count_noun

    assert [count_noun(n, "message") for n in (0, 1, 2)] == ["0 messages", "1 message", "2 messages"]
    assert count_noun(1, "reply", "replies") == "1 reply" and count_noun(2, "reply", "replies") == "2 replies"


def test_step_ranges_and_message_text_are_the_one_wording():
    from flowlib.analysis.wording import message_text, step_ranges
    from flowlib.model import Message

    assert step_ranges([9, 4, 5, 6, 1, 5]) == "1, 4-6, 9" and step_ranges([]) == ""
    assert message_text(Message(1, "A", "B", "hi", dotted=True)) == "A --> B: hi"
    assert message_text(Message(2, None, "B", "")) == "[ -> B"
