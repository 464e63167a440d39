"""Write the course notebooks from one template and the course data, then execute them with widget state.

Usage (from the repository root)::

    .venv/bin/python scripts/make_notebooks.py            # write and execute every notebook
    .venv/bin/python scripts/make_notebooks.py 01 07      # only these
    .venv/bin/python scripts/make_notebooks.py --check    # exit 1 if a committed notebook's cells differ

The six phase notebooks share one structure, so they are written here rather than by hand. Their prose
(summary, objectives, minutes, "then and now", references) comes from data/phases.yaml at generation
time; narrations, quiz questions, exercises and component facts are read from data/ when the notebook
runs. Edit the data or this script, never the notebooks' cells. Notebooks are executed in a fresh kernel
with ``store_widget_state=True`` so that GitHub's viewer and a static export show diagrams, tables and
working step players. Solutions stay hidden: COURSE_SOLUTIONS is removed from the kernel's environment.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))

from launch_course.course import load_course

#: Notebook number -> (file stem, phases it teaches). 00 and 07 are written by their own functions.
PHASE_NOTEBOOKS = {
    "01": ("01-auth", ("auth",)),
    "02": ("02-scheduling", ("scheduling",)),
    "03": ("03-image", ("image",)),
    "04": ("04-network", ("network",)),
    "05": ("05-volume", ("volume",)),
    # The closing status phase (the client polling until ACTIVE) is short: it ends the metadata notebook.
    "06": ("06-metadata", ("metadata", "status")),
}
ALL = {"00": "00-overview", **{k: v[0] for k, v in PHASE_NOTEBOOKS.items()}, "07": "07-capstone"}

IMPORTS = """\
from flowlib import (
    Quiz, StepPlayer, check, communication_view, components_card, exercise_card,
    load_course, messages_table, sequence_svg, service_groups, style_messages,
)

course = load_course()
diagram = course.diagram
services = service_groups(diagram)  # participant -> OpenStack service, to cluster the views"""

# A real question about each phase, answered with a filter, a group and a count on its message table.
# None of them gives away an exercise answer.
EXPLORATIONS = {
    "auth": (
        "How much of authentication is asking, and how much is answering?",
        "The `arrow` column says whether a message is a request or a reply (a dotted arrow). Count them, "
        "then see who is on the receiving end of the phase's messages.",
        [
            'auth = messages[messages["phase"] == "auth"]\nauth.groupby("arrow", observed=True).size()',
            'auth.groupby("target_name").size().sort_values(ascending=False)',
        ],
        "As many replies as requests: every request in this phase waits for its answer, a synchronous "
        "exchange. Keystone receives half of the messages: it is the hub of this phase.",
    ),
    "scheduling": (
        "Is scheduling mostly database work or message-queue work?",
        "Filter the phase, then count the messages by the participant that receives them.",
        [
            'scheduling = messages[messages["phase"] == "scheduling"]\n'
            'scheduling["target_name"].value_counts()',
            'scheduling[scheduling["label"].str.contains("rpc", case=False)][["step", "source_name", "label", "protocol"]]',
        ],
        "The queue (MQ) and the database (DB) receive almost every message: services of Nova never call each "
        "other directly here. The second table shows the two `rpc.cast`s (fire and forget: nova-api to the "
        "scheduler, the scheduler to nova-compute) and the one `rpc.call`, where nova-compute waits for "
        "the conductor's answer.",
    ),
    "image": (
        "Which protocols does fetching an image use?",
        "The `protocol` column holds a tag such as `REST` or `socket` when the label names one. Count the "
        "tags, keeping the messages that name none.",
        [
            'image = messages[messages["phase"] == "image"]\nimage["protocol"].value_counts(dropna=False)',
            'image[image["protocol"].notna()][["step", "source_name", "target_name", "label"]]',
        ],
        "Most labels name no protocol (`<NA>`); the tagged ones show the two paths: REST to Glance and the "
        "RADOS Gateway, a raw socket from the gateway to the OSD that holds the data.",
    ),
    "network": (
        "Do the DHCP agent and the L2 agent work one after the other?",
        "Keep the messages sent by an agent, then summarise each agent with a named aggregation: its first "
        "step, its last step and how many messages it sends.",
        [
            'network = messages[messages["phase"] == "network"]\n'
            'agents = network[network["source_name"].str.contains("agent", case=False)]\n'
            'agents[["step", "source_name", "target_name", "label"]]',
            'agents.groupby("source_name").agg(first=("step", "min"), last=("step", "max"), sent=("step", "size"))',
        ],
        "The DHCP agent's work (steps 32 to 35) is drawn entirely before the L2 agent's (37 to 39), but "
        "neutron-server put both requests on the queue together (steps 30 and 31). In a real cloud the two "
        "agents work at the same time, often on different hosts: a sequence diagram has to draw them in "
        "some order, and the order it picks is not a dependency.",
    ),
    "volume": (
        "Does the VM start before or after its volume is attached?",
        "Filter the phase's messages whose label mentions the VM or the volume, in step order.",
        [
            'volume = messages[messages["phase"] == "volume"]\n'
            'volume[volume["label"].str.contains("VM|volume", case=False)][["step", "source_name", "target_name", "label"]]',
            'steps = volume.set_index("label")["step"]\n'
            'steps[["Start VM", "pass volume info", "mount volume"]]',
        ],
        "The first table lists the matching messages in step order; the second picks out the three that "
        "answer the question, with their step numbers. \"Start VM\" has the smallest: it comes before "
        "\"pass volume info\" and \"mount volume\", so in this 2014 picture libvirt starts the guest while "
        "the Ceph volume is still being attached. Today Nova attaches volumes before it spawns the guest.",
    ),
    "metadata": (
        "Which phases speak HTTP, according to the labels?",
        "Search every label of the whole flow for \"http\" or \"rest\", then count the matches by phase.",
        [
            'web = messages[messages["label"].str.contains("http|rest", case=False)]\n'
            'web.groupby("phase", observed=True).size()',
        ],
        "Only a handful of labels say REST or HTTP, in the image, volume and metadata phases. Yet every call "
        "to an OpenStack API is HTTP: the token request (step 1) and the launch request (step 7) are REST "
        "calls too. Labels say what their author chose to write; the step player's narration names the "
        "protocol of every step.",
    ),
    "status": (
        "When does the client talk to the cloud?",
        "Keep every message of the whole flow in which the client is the sender or the receiver, and count "
        "them by phase.",
        [
            'client = messages[(messages["source"] == "Client") | (messages["target"] == "Client")]\n'
            'client.groupby("phase", observed=True).size()',
        ],
        "The client appears only at the start (getting a token, asking for the instance) and at the end "
        "(polling): everything in between happens inside the cloud, while the client waits.",
    ),
}

PLAYER_HELP = """\
**How the player works.** Press ▶ (Play) to run through the steps, or drag the slider; once you
have clicked the slider, the arrow keys move it one step at a time. Play and the slider run in your
browser (they are linked to the frames with `jslink`), so they keep working after the kernel stops and
in a static HTML export. *Previous* and *Next* ask the kernel to move the slider, so they need a running
kernel. At each step the sequence view and the communication view highlight the message in red, the
table marks its row, and the text says what happens, why, over which protocol, and what you would see
if it failed."""

QUIZ_HELP = "Pick an answer and press **Check**: the feedback explains the right answer either way."

EXERCISE_HELP = """\
Each exercise asks a question that the message table can answer. Replace `None` with your pandas
expression, run the cell, and `check` tells you whether the diagram agrees, with a hint if it does not.
Hints get more specific on each try. Solutions are in the instructor edition (start Jupyter with
`COURSE_SOLUTIONS=1`)."""


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


def _nav(stem: str) -> str:
    order = list(ALL.values())
    at = order.index(stem)
    parts = []
    if at > 0:
        parts.append(f"← [{order[at - 1]}]({order[at - 1]}.ipynb)")
    parts.append("[course overview](00-overview.ipynb)")
    if at + 1 < len(order):
        parts.append(f"[{order[at + 1]}]({order[at + 1]}.ipynb) →")
    return " · ".join(parts)


def _references(phase) -> str:
    return "\n".join(f"- [{ref.title}]({ref.url})" for ref in phase.references)


def phase_cells(course, name: str, level: str) -> list:
    """The cells that teach one phase, with headings at ``level`` (``##`` or ``###``)."""
    info = course.phase(name)
    p = f'"{name}"'
    question, how, snippets, reading = EXPLORATIONS[name]
    cells = [
        md(f"{level} Who takes part\n\nThe participants of the **{name}** phase and what each of them does."),
        code(f"components_card({p})"),
        md(
            f"{level} The {name} phase as a sequence diagram\n\n"
            "Time runs downwards. Solid arrows are requests, dotted arrows are replies; the number before each "
            "label is the step number used everywhere in the course (tables, player, quizzes)."
        ),
        code(f"sequence_svg(diagram, phase={p})"),
        md(
            f"{level} Who talks to whom\n\n"
            "The communication view draws each participant once, grouped by OpenStack service, and each "
            "message as a numbered edge. It shows at a glance which components this phase really involves."
        ),
        code(f"communication_view(diagram, phase={p}, groups=services)"),
        md(
            f"{level} The messages as a table\n\n"
            "One row per arrow, tinted with the phase colour. `source` and `target` are the participant codes "
            "used in the diagram; `arrow` tells a request from a reply; `protocol` is the tag a label names."
        ),
        code(f"messages = messages_table(diagram)\nstyle_messages(messages[messages[\"phase\"] == {p}])"),
        md(f"**A question for pandas: {question}** {how}"),
        *[code(s) for s in snippets],
        md(f"*Reading the answer.* {reading}"),
        md(f"{level} Step through the {name} phase\n\n{PLAYER_HELP}"),
        code(f"StepPlayer(diagram, phase={p}, narration=course.narration, groups=services)"),
        md(f"{level} Quiz\n\n{QUIZ_HELP}"),
        code(f"Quiz(course.quiz({p}), diagram)"),
        md(f"{level} Exercises\n\n{EXERCISE_HELP}"),
    ]
    for exercise in course.exercises(name):
        cells.append(code(f'exercise_card("{exercise.id}")'))
        cells.append(code(f'answer = None  # your pandas expression, for example messages[...]\ncheck("{exercise.id}", answer)'))
    cells.append(md(f"{level} Then and now\n\n{info.then_and_now.strip()}\n\n**References**\n\n{_references(info)}"))
    return cells


def phase_notebook(course, stem: str, phases: tuple[str, ...]):
    first = course.phase(phases[0])
    minutes = sum(course.phase(n).minutes for n in phases)
    number = int(stem[:2])
    objectives = "\n".join(f"- {o}" for n in phases for o in course.phase(n).objectives)
    also = ""
    if len(phases) > 1:
        extra = ", ".join(f"**{course.phase(n).title}**" for n in phases[1:])
        also = f"\n\nThe notebook ends with the short closing phase: {extra}."
    cells = [
        md(
            f"# {number}. {first.title}\n\n{_nav(stem)}\n\n{first.summary.strip()}{also}\n\n"
            f"**Estimated time:** {minutes} minutes.\n\n**You will be able to:**\n\n{objectives}"
        ),
        code(IMPORTS),
        *phase_cells(course, phases[0], "##"),
    ]
    for name in phases[1:]:
        info = course.phase(name)
        cells.append(
            md(f"# Closing phase: {info.title}\n\n{info.summary.strip()}\n\n**Estimated time:** {info.minutes} minutes.")
        )
        cells.extend(phase_cells(course, name, "##"))
    cells.append(md(f"---\n\n{_nav(stem)}"))
    return cells


def overview(course):
    rows = "\n".join(
        f"| [{stem}]({stem}.ipynb) | {', '.join(course.phase(n).title for n in phases)} | "
        f"{sum(course.phase(n).minutes for n in phases)} min |"
        for stem, phases in PHASE_NOTEBOOKS.values()
    )
    return [
        md(
            f"""
# How OpenStack launches a virtual machine

{_nav("00-overview")}

You type one command:

```sh
openstack server create --image cirros --flavor m1.tiny --network private --key-name mykey vm1
```

and, about a minute later, a virtual machine is running somewhere in the cloud with an IP address and
your SSH key inside it. This course follows that command from start to finish through the services
that make it happen: **Keystone** (identity), **Nova** (compute: API, scheduler, conductor, compute),
**Glance** (images), **Neutron** (networking), **Cinder** (volumes), **Ceph** (storage), **libvirt**
(the hypervisor's manager) and the **metadata service** the new VM asks for its configuration.

The map is a real diagram: the sequence diagram drawn in 2014 for OpenStack's manuals (bug 1359722),
kept in `data/launch-instance.puml`. It is out of date in places, and each notebook's *Then and now*
section says where and what replaced it.
"""
        ),
        code(IMPORTS + "\nfrom flowlib import phases_table"),
        md(
            """
## The journey, phase by phase

The diagram is cut into phases by its `== dividers ==`. The table counts the messages and participants
of each; the titles and estimated times come from the course data.
"""
        ),
        code(
            'phases = phases_table(diagram)\n'
            'phases.insert(1, "title", [course.phase(name).title for name in phases["phase"]])\n'
            'phases.insert(2, "minutes", [course.phase(name).minutes for name in phases["phase"]])\n'
            'phases[["phase", "title", "minutes", "first_step", "last_step", "messages", "participants"]]'
        ),
        md("\n".join(f"{i}. **{p.name}**: {p.title}." for i, p in enumerate(course.phases, start=1))),
        md(
            """
## The map of services

Every component of the diagram, grouped by OpenStack service. One edge per pair of components that
talk, labelled with how many messages they exchange and at which steps.
"""
        ),
        code("communication_view(diagram, aggregate=True, groups=services)"),
        md(
            """
## Who is who

Every participant of the diagram, the OpenStack service it belongs to, and what it does.
"""
        ),
        code("components_card()"),
        md(
            """
## How to use the course

- **Run the notebook first**: *Run → Run All Cells* (or *Kernel → Restart Kernel and Run All Cells*).
  Everything runs offline in a few seconds.
- **Step players** show one message at a time. ▶ plays the steps; the slider jumps to any step (click
  it, then use the arrow keys). Both work in your browser, even without a kernel; *Previous* and *Next*
  need the kernel. Try it on the short closing phase below.
- **Quizzes**: pick an answer, press *Check*, read why. Answers about the flow are computed from the
  diagram itself, never typed in.
- **Exercises** ask you to answer a question with pandas on the message table: replace `None` with your
  code and run the cell; `check(...)` says whether the diagram agrees and gives a hint if not.
- **Solutions** are hidden in this learner edition. Instructors start Jupyter with `COURSE_SOLUTIONS=1`
  to see them under each exercise.
- **Your own diagrams**: the last notebook shows how to load any PlantUML sequence diagram and get the
  same tables, views and player for it.
"""
        ),
        code('StepPlayer(diagram, phase="status", narration=course.narration, groups=services)'),
        md(
            """
## Warm-up quiz

Every notebook has a quiz like this one, and this one also shows how they work. Each question has its
own **Check** button: pick an answer, press it, and the feedback says *Right* or *Not quite* and then
explains the right answer either way (with a note on the wrong choice you picked, if it is a common
one). You may change your choice and check again as often as you like; nothing is scored.

Questions about the flow are answered by the diagram itself: when you press *Check*, the course asks
`data/launch-instance.puml` (who sends the first message, how many phases there are) instead of
reading an answer typed in by hand, so the quizzes always agree with the diagram you see. Questions
about today's OpenStack, which a 2014 diagram cannot answer, have answers written by the course's
authors. The questions below are about the whole diagram, as the tables and the map above show it.
"""
        ),
        code('Quiz(course.quiz("overview"), diagram)'),
        md(
            f"""
## The notebooks

| notebook | what | time |
|---|---|---|
{rows}
| [07-capstone](07-capstone.ipynb) | the whole flow end to end, a review quiz, your own diagram | 30 min |

---

{_nav("00-overview")}
"""
        ),
    ]


EXAMPLE = '''\
my_text = """
@startuml
title Attach a volume to a running server (simplified)
actor User
participant "nova-api" as API
participant "nova-compute" as Compute
participant "cinder-api" as Cinder
== request ==
User -> API: POST /servers/{id}/os-volume_attachments
API -> Cinder: [REST] reserve volume (create attachment)
API -> Compute: [rpc.cast] attach_volume
API --> User: 200 OK (attaching)
== attach ==
Compute -> Cinder: [REST] update attachment with connector
Cinder --> Compute: connection info
Compute -> Compute: connect the volume with os-brick
Compute -> Cinder: [REST] complete attachment
@enduml
"""
mine = parse(my_text)
messages_table(mine)'''

BAD = '''\
broken = """
@startuml
Alice -> Bob: hello
Bob -> Alice hi there
@enduml
"""
try:
    parse(broken)
except DiagramError as error:
    print(error)'''


def what_if(course):
    """The capstone's "What if a component fails?" section (written with flowlib.analysis.whatif; keep the heading,
    the 07-capstone tests look for it), then run ``scripts/make_notebooks.py 07``."""
    return [
        md(
            """
## What if a component fails?

Pick a component in the dropdown and see what its failure does to today's launch: which steps fail,
which never happen, which phases cannot complete, the state the instance ends in and what the user
sees, then how the same failure looked in the 2014 diagram. Below that, the phase where the trouble
starts is drawn with the failing steps in red, the steps that never happen grey and dashed, and the
failure path Nova takes (an `else` branch of the diagram) in blue.

`what_if` works this out from the diagram alone, with a few rules: a message to or from the broken
component fails; a participant waiting for an answer that never comes is stuck; a participant that
was never asked to do something does nothing; and when the first branch of an `alt` frame fails, the
flow takes its `else` branch, the failure path the diagram knows (NoValidHost and cell0, a reschedule
to an alternate host, the vif-plug timeout). A failure path after which the flow goes on, like the
reschedule, makes good what failed: its phase still completes. What the user sees comes from
`data/failures.yaml`.

Every choice was computed when the notebook ran, so the dropdown works in your browser, without a
kernel and in a static export.
"""
        ),
        code("from flowlib import what_if, what_if_explorer\n\nwhat_if_explorer(today, compare=diagram)"),
        md(
            """
`what_if` takes any participant of any diagram, or several at once. Two failures that each leave the
server ACTIVE (the DHCP agent, the metadata service) still leave a guest nobody can log in to:
"""
        ),
        code(
            'both = what_if(today, {"neutron-dhcp-agent", "nova-api-metadata"})\n'
            "both.incomplete_phases, both.counts()"
        ),
        md(
            """
The whole comparison of the 2014 diagram with today's flow, phase by phase, with a bug hunt on the old
diagram, is in [08-then-and-now](08-then-and-now.ipynb).
"""
        ),
    ]


def capstone(course):
    exercises = []
    for exercise in course.exercises(None):
        exercises.append(code(f'exercise_card("{exercise.id}")'))
        exercises.append(code(f'answer = None  # your pandas expression\ncheck("{exercise.id}", answer)'))
    return [
        md(
            f"""
# 7. Capstone: the whole launch, and your own diagrams

{_nav("07-capstone")}

You have followed each phase on its own. Here you watch the whole launch end to end, check what you
remember across phases, and then point the same tools at a diagram of your own.

**Estimated time:** 30 minutes.

**You will be able to:**

- Follow the launch from the first token request to the client seeing ACTIVE, naming the phase of each step.
- Answer questions that cross phases (which services reappear, where the client waits).
- Load any PlantUML sequence diagram and explore it with the course's tables, views and player.
"""
        ),
        code(IMPORTS + "\nfrom flowlib import DiagramError, parse, parse_file, phases_table"),
        md(
            f"""
## The whole launch, step by step

All the steps in one player. Each frame shows the phase the step belongs to, with the step highlighted.

{PLAYER_HELP}
"""
        ),
        code("StepPlayer(diagram, narration=course.narration, groups=services)"),
        md(f"## Review quiz\n\nQuestions that cross phases. {QUIZ_HELP}"),
        code("Quiz(course.quiz(), diagram)"),
        md(f"## Capstone exercises\n\nThese use the whole message table. {EXERCISE_HELP}"),
        code("messages = messages_table(diagram)"),
        *exercises,
        md(
            """
## Bring your own diagram

Everything in this course works on any PlantUML sequence diagram. Paste yours between the triple quotes
below (or load a file with `parse_file("path/to/diagram.puml")`), run the cells, and you get the same
message table, views and step player. The example is a simplified volume attachment.
"""
        ),
        code(EXAMPLE),
        code("sequence_svg(mine)"),
        code("communication_view(mine)"),
        code("StepPlayer(mine)"),
        md(
            """
A file works the same way. The course ships today's launch flow, redrawn from current Nova (cells v2,
Placement, the super-conductor), next to the 2014 one: compare their phases.
"""
        ),
        code('today = parse_file(f"{course.data_dir}/launch-instance-today.puml")\nphases_table(today)'),
        md(
            """
### When the text is wrong

A mistake in the diagram is reported with the file, line and column, and the offending line with a caret
under the problem, the way a compiler does. Here the second arrow lacks the colon before its label:
"""
        ),
        code(BAD),
        *what_if(course),
        md(
            f"""
## Where to go next

- Read the *Then and now* sections again with today's flow at hand: `data/launch-instance-today.puml`.
- Nova's own documentation of the flow: [Nova: Scheduling](https://docs.openstack.org/nova/latest/reference/scheduling.html),
  [Nova: Attaching Volumes](https://docs.openstack.org/nova/latest/reference/attach-volume.html),
  [Nova: Metadata service](https://docs.openstack.org/nova/latest/admin/metadata-service.html).

---

{_nav("07-capstone")}
"""
        ),
    ]


def build(key: str, course):
    """The notebook ``key`` ("00" ... "07") with its cells, unexecuted, with stable cell ids."""
    stem = ALL[key]
    if key == "00":
        cells = overview(course)
    elif key == "07":
        cells = capstone(course)
    else:
        cells = phase_notebook(course, stem, PHASE_NOTEBOOKS[key][1])
    nb = new_notebook(cells=cells)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{stem}-{index:02d}"  # stable ids keep regenerated notebooks' diffs small
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def execute(nb, stem: str) -> float:
    """Run ``nb`` in a fresh kernel from notebooks/, storing widget state; return the seconds it took."""
    from nbclient import NotebookClient

    os.environ.pop("COURSE_SOLUTIONS", None)  # the committed notebooks are the learner edition
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=True,
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keys", nargs="*", help="notebook numbers (00 ... 07); default all")
    parser.add_argument("--check", action="store_true", help="only compare cell sources with the committed notebooks")
    args = parser.parse_args(argv)
    keys = args.keys or list(ALL)
    course = load_course()
    stale = []
    for key in keys:
        stem = ALL[key]
        path = NOTEBOOKS / f"{stem}.ipynb"
        nb = build(key, course)
        if args.check:
            if not path.exists() or _sources(nbformat.read(path, as_version=4)) != _sources(nb):
                stale.append(stem)
            continue
        seconds = execute(nb, stem)
        nbformat.validate(nb)
        NOTEBOOKS.mkdir(exist_ok=True)
        nbformat.write(nb, path)
        print(f"{stem}: executed in {seconds:.2f} s, {path.stat().st_size // 1024} KB")
    if stale:
        print("out of date (run scripts/make_notebooks.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
