"""Write notebooks/08-then-and-now.ipynb and execute it with widget state, like scripts/make_notebooks.py.

Usage (from the repository root)::

    .venv/bin/python scripts/make_then_and_now.py          # write and execute the notebook
    .venv/bin/python scripts/make_then_and_now.py --check  # exit 1 if the committed cells differ

The notebook compares the 2014 diagram with today's flow phase by phase (flowlib.diff_flows), runs the
bug hunt (data/bughunt.yaml) and breaks components on purpose (flowlib.what_if). Edit this script or the
data, never the notebook's cells; tests/test_today.py checks that they agree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from make_notebooks import NOTEBOOKS, PLAYER_HELP, code, execute, md  # noqa: E402

STEM = "08-then-and-now"

NAV = "← [07-capstone](07-capstone.ipynb) · [course overview](00-overview.ipynb)"

#: Per phase: what changed, in a few sentences (the tables and views below each one show the detail).
PHASES = {
    "auth": """\
The client still starts by asking Keystone for a token. What went away is the **token store**: Fernet
tokens are encrypted, so any Keystone node can read them and none is saved. LDAP is still possible, but
as one identity backend among others (SQL is the default), so today's diagram shows the check as a step
inside Keystone.""",
    "scheduling": """\
The biggest change. In 2014 nova-api cast the request to the scheduler through the queue, and the
scheduler read the whole cluster from the database. Today:

- nova-api validates the token (keystonemiddleware), the image, the networks and the volumes, writes a
  BuildRequest, a RequestSpec and an InstanceMapping to the **API database**, casts to the
  **super-conductor** and answers 202;
- the super-conductor **calls** the scheduler and waits; the scheduler asks **Placement** for
  allocation candidates, filters and weighs only those, and **claims** the resources in Placement;
- the super-conductor creates the instance in the chosen **cell** and casts the build to that host.

The *re-routed* rows are the same intent by another path: `Nova-api -> MQ` (meant for the scheduler)
became `nova-api -> super-conductor`, and the scheduler's cast to the compute host is now the
conductor's. The failure paths are new too: **NoValidHost** buries the instance in **cell0**, and a
failed claim on the host **reschedules** to an alternate the scheduler already chose.""",
    "image": """\
nova-compute still asks Glance about the image. The 2014 diagram then fetched the image as an object
through Ceph's RADOS gateway; that was never how Nova used Ceph. With `images_type = rbd` the root disk
is an RBD **copy-on-write clone** of the Glance image, nothing is downloaded. When the clone is
impossible, compute downloads the image through Glance into its image cache and imports it into Ceph
(`rbd import`), so that path needs Ceph too. With local disks (`images_type = qcow2`) the root disk is a
qcow2 overlay on the cached image.""",
    "volume": """\
Volumes go through Cinder's **attachments** API: nova-api reserves the volume (an attachment without a
connector), nova-compute sends its host's connector (from **os-brick**) and gets the connection info,
marks the attachment complete, and os-brick connects the volume to the host. cinder-api still validates
the token, now together with Nova's service token. Starting the guest moved out of this phase.""",
    "network": """\
In 2014 the diagram had Neutron ask the DHCP agent for an IP and push L2 configuration to an agent that
configured libvirt. Today neutron-server's **IPAM** picks the IP when nova-compute creates the port;
the DHCP agent only writes it into dnsmasq's hosts file. nova-compute **binds** the port to its host
(`binding:host_id`), plugs the VIF with os-vif, then defines the guest and starts it **paused**; the OVS
agent sees the port, wires it and reports it up; neutron-server marks it ACTIVE and sends Nova the
**network-vif-plugged** event, and only then does Nova **resume** the guest. If the event does not come
within `vif_plugging_timeout`, the build fails.""",
    "metadata": """\
The guest first gets its address by DHCP (new in the diagram: in 2014 it was implied), then asks
169.254.169.254. The proxy (haproxy in the router or DHCP namespace) does not know the instance: it
hands the request over a unix socket to **neutron-metadata-agent**, which finds the port, adds the
instance ID and an **HMAC signature** made with a secret shared with Nova. The 2014 diagram skipped the
agent, which existed already. A config drive is the alternative that needs no metadata network.""",
    "status": """\
The client still polls the server until it is ACTIVE or ERROR. nova-api now looks up the instance's
**cell** in the API database first, then reads the instance there (in cell0 if it could not be
scheduled).""",
}


def cells() -> list:
    phase_cells = []
    for phase, text in PHASES.items():
        phase_cells.append(md(f"### {phase}\n\n{text}"))
        phase_cells.append(code(f'diff.table("{phase}", changes_only=True)'))
        phase_cells.append(code(f'diff.side_by_side("{phase}")'))
        if phase == "network":
            phase_cells.append(
                md(
                    f"""
The end of today's network phase one step at a time, from plugging the VIF to the resumed guest: each
frame says what the step does, over which protocol, and which code in Nova, Neutron or os-vif performs
it (from `data/today-references.yaml`). The last two steps are the else branch of the `alt`: what Nova
does when the event does not come.

{PLAYER_HELP}"""
                )
            )
            phase_cells.append(code("StepPlayer(now, steps=range(59, 75), narration=reference_narration(now))"))
        if phase == "volume":
            phase_cells.append(md("Where each of today's volume steps happens, in code or documentation:"))
            phase_cells.append(code('references_table(now, phase="volume")'))
    return [
        md(
            f"""
# 8. Then and now: the 2014 diagram against today's Nova

{NAV}

The course's diagram comes from 2014. OpenStack has changed a lot since: cells v2, Placement, Fernet
tokens, Cinder attachments, port binding and the network-vif-plugged event. This notebook compares that
diagram with `data/launch-instance-today.puml`, a redraw of the launch as current Nova does it
(libvirt/KVM, ML2/Open vSwitch, cells v2), phase by phase, and lets you hunt for what is out of date.

**Estimated time:** 45 minutes.

**You will be able to:**

- Name what changed in each phase of the launch since 2014, and why.
- Tell a re-routed message (same intent, new path) from a changed or a new one.
- Spot the steps of an old diagram that no longer describe OpenStack, and find the code that does it now.
- Predict what a user sees when a component fails, today and in 2014.
- Say who schedules, claims and wires what in today's launch, and which event lets the guest run.
"""
        ),
        code(
            """
from flowlib import (
    Quiz, StepPlayer, check_bughunt, diff_flows, load_course, parse_file, reference_narration,
    references_table, what_if,
)

course = load_course()
then = parse_file("../data/launch-instance.puml")
now = parse_file("../data/launch-instance-today.puml")
diff = diff_flows(then, now)
"""
        ),
        md(
            """
## How the diff matches messages

`diff_flows` compares the two flows phase by phase. Participant names compare loosely (`Nova-api` is
`nova-api`), and `data/equivalences.yaml` says which new participants stand for an old one (the one
`DB` became `API DB`, `Cell DB` and `cell0 DB`; `Nova-conductor` became the super-conductor and the
cell conductor). Each message then gets one kind:

- **unchanged**: same ends, same label;
- **changed**: same ends, the label differs;
- **re-routed**: the same intent by another path: one end kept (or the message queue, which stands for
  whoever reads it), the other replaced, and a similar label;
- **removed** and **added**: no counterpart.

Labels are compared after normalisation (lower case, punctuation and little words dropped) with
difflib's ratio, so *similar* means similar wording, not similar meaning: read the pairs critically.
"""
        ),
        code("print(diff.summary(phases=False))"),
        code("diff.counts_table()"),
        md(
            """
Nothing is *unchanged*: every message of 2014 was reworded, re-routed or dropped. The participants tell
the same story:
"""
        ),
        code("diff.participants_table()"),
        md(
            """
## Phase by phase

For each phase: what changed, the rows of the diff that are not unchanged, and the two sequence
diagrams side by side (2014 on the left, today on the right) with the differences coloured: red for
removed, green for added, orange for changed, pink for re-routed.
"""
        ),
        *phase_cells,
        md(
            """
## Bug hunt: which steps of 2014 are out of date?

Go through the 2014 diagram (the player in the earlier notebooks, or `print(diff.summary())`) and list
the steps that no longer describe OpenStack: either they changed since 2014 (*outdated*) or they were
misleading even then (*wrong*). Put their numbers in `flagged` and run the cell. The check gives the
verdict, the reason and a reference for every step you flag, and tells you how many you still miss in
each phase. Instructors can see every verdict with `check_bughunt(flagged, reveal=True)`.
"""
        ),
        code("flagged = []  # the 2014 step numbers you think are out of date, e.g. [4, 9]\ncheck_bughunt(flagged)"),
        md("What the feedback looks like for a few flags, one of them a step that is still right:"),
        code("check_bughunt([2, 4, 9])"),
        md(
            """
## What if a component fails?

`what_if` plays a flow with a component down: messages to or from it fail, a participant waiting on a
failed request is blocked, a participant set to work by a message that never came does nothing, and an
`alt` frame's else branch (a failure path the diagram knows) is taken when its first branch fails. The
data in `data/failures.yaml` adds what the user sees. Today, Placement down means NoValidHost and an
instance buried in cell0:
"""
        ),
        code('what_if(now, "Placement")'),
        md(
            """
When the Open vSwitch agent is down, the port is never wired, `network-vif-plugged` never comes, and
Nova gives up after `vif_plugging_timeout`: failing steps in red, steps that never happen grey and
dashed, the failure path taken in blue.
"""
        ),
        code('what_if(now, "l2-agent").svg(phase="network")'),
        md(
            """
The same question asked of the 2014 diagram shows what a diagram can and cannot tell: there is no
Placement to break, and every Nova arrow goes through the queue, so a broken queue stops everything.
"""
        ),
        code('what_if(then, "Placement").completes, what_if(then, "mq").incomplete_phases'),
        md(
            """
The capstone (`07-capstone.ipynb`) has a dropdown with every scenario, on both flows.

## Quiz: today's flow

Questions on how a launch goes today, against 2014. The answers about the flow are computed from
today's diagram (`now`, `data/launch-instance-today.puml`), not from the 2014 one: pick an answer and
press **Check**, the feedback explains the right answer either way.
"""
        ),
        code('Quiz(course.quiz("today"), now)'),
        md(
            """
## Where to go next

- [Nova: Scheduling](https://docs.openstack.org/nova/latest/reference/scheduling.html) and
  [Nova: Cells (v2)](https://docs.openstack.org/nova/latest/admin/cells.html)
- [Nova: Attaching Volumes](https://docs.openstack.org/nova/latest/reference/attach-volume.html)
- [Nova: Metadata service](https://docs.openstack.org/nova/latest/admin/metadata-service.html)
- `python -m flowlib diff data/launch-instance.puml data/launch-instance-today.puml` prints the whole
  diff; add `--format csv` for a spreadsheet.

---

"""
            + NAV
        ),
    ]


def build():
    """The notebook, unexecuted, with stable cell ids."""
    nb = new_notebook(cells=cells())
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{STEM}-{index:02d}"
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare cell sources with the committed notebook")
    args = parser.parse_args(argv)
    path = NOTEBOOKS / f"{STEM}.ipynb"
    nb = build()
    if args.check:
        stored = nbformat.read(path, as_version=4) if path.exists() else None
        same = stored is not None and [(c.cell_type, c.source) for c in stored.cells] == [
            (c.cell_type, c.source) for c in nb.cells
        ]
        print("up to date" if same else f"out of date: run scripts/make_then_and_now.py")
        return 0 if same else 1
    seconds = execute(nb, STEM)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"{STEM}: executed in {seconds:.2f} s, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
