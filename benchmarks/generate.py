"""Realistic generated sequence diagrams of any size, for the benchmarks (deterministic for a seed).

The diagrams look like the seed, grown: two dozen OpenStack services (quoted names with hyphens,
aliases, every participant kind), requests and dotted replies with activations (explicit
``activate``/``deactivate``, ``++``/``--`` and ``return``), async casts, self messages, every arrow
form (``->>``, ``-\\``, ``-//``, ``->x``, ``->o``, ``o->``, ``-[#blue]>``, ``<->``, ``<-``, ``<--``), notes,
``alt``/``else``, ``loop``, ``opt`` and ``group`` frames, ``== phase ==`` dividers, a few delays and
spacers; no autonumber. Every file is valid for Debian's PlantUML (``plantuml -checkonly``).

    python -m benchmarks.generate 1000 > big.puml
"""

from __future__ import annotations

import random
import sys

#: (declaration or None for an implied participant, how messages name it)
PARTICIPANTS = (
    ("actor Client", "Client"),
    ("participant Keystone", "Keystone"),
    ("database LDAP", "LDAP"),
    ('database "Token Store" as TokenStore', "TokenStore"),
    (None, '"Nova-api"'),
    ("database DB", "DB"),
    ("queue MQ", "MQ"),
    ('control "Nova-Scheduler" as Scheduler', "Scheduler"),
    (None, '"Nova-compute"'),
    ('control "Nova-conductor" as Conductor', "Conductor"),
    ('boundary "Glance-api" as Glance', "Glance"),
    ("collections ceph_mon", "ceph_mon"),
    (None, "ceph_rgw"),
    ("collections ceph_osd", "ceph_osd"),
    ('boundary "Neutron-server" as Neutron', "Neutron"),
    (None, '"Neutron-DHCP-agent"'),
    ("entity dnsmasq", "dnsmasq"),
    (None, '"Neutron-L2-agent"'),
    ("entity libvirt", "libvirt"),
    ('boundary "Cinder-api" as Cinder', "Cinder"),
    (None, '"Cinder-volume"'),
    ('participant "VM-instance" as VM <<guest>>', "VM"),
    (None, "neutron_metadata_proxy"),
    ('participant "nova-api-metadata" as Metadata', "Metadata"),
)

_VERBS = ("get", "read", "save", "update", "allocate", "validate", "publish", "request", "create",
          "delete", "attach", "configure", "fetch", "poll", "reserve", "release", "schedule")
_OBJECTS = ("instance state", "token", "image URI by image ID", "cluster map", "object", "network info",
            "IP", "L2 config", "volume data", "filtering and weighing info", "instance info",
            "port binding", "quota usage", "host aggregate", "flavor", "security groups", "metadata")
_TAGS = ("", "", "", "[REST] ", "[rpc.cast] ", "[rpc.call] ", "[socket] ", "[SQL] ")
_REPLIES = ("", "return {obj}", "OK", "{obj}", "updated {obj}", "reply")
_PHASES = ("auth", "scheduling", "image", "network", "volume", "metadata", "status")
_CONDITIONS = ("cache hit", "token valid", "host found", "image cached", "retry allowed", "quota ok")


def _label(rng: random.Random) -> str:
    return f"{rng.choice(_TAGS)}{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"


def _reply(rng: random.Random) -> str:
    text = rng.choice(_REPLIES).format(obj=rng.choice(_OBJECTS))
    return f" {text}" if text else ""


class _Writer:
    """Accumulates lines and counts messages; every scenario stops at the message budget."""

    def __init__(self, n_messages: int, rng: random.Random):
        self.rng = rng
        self.budget = n_messages
        self.count = 0
        self.lines: list[str] = []
        self.names = [name for _, name in PARTICIPANTS]

    @property
    def left(self) -> int:
        return self.budget - self.count

    def msg(self, line: str) -> None:
        self.lines.append(line)
        self.count += 1

    def two(self) -> tuple[str, str]:
        a, b = self.rng.sample(self.names, 2)
        return a, b

    def call(self, depth: int = 0) -> None:
        """A request, maybe a nested call, and its reply; needs at least 2 messages of budget."""
        rng = self.rng
        a, b = self.two()
        style = rng.randrange(3)
        if style == 0:  # explicit activate/deactivate, the seed's way
            self.msg(f"{a} -> {b}: {_label(rng)}")
            self.lines.append(f"activate {b}")
            if depth < 2 and self.left >= 4 and rng.random() < 0.3:
                self._nested(b, depth)
            self.msg(f"{b} --> {a}:{_reply(rng)}")
            self.lines.append(f"deactivate {b}")
        elif style == 1:  # ++ on the request, -- on the reply
            self.msg(f"{a} -> {b} ++ : {_label(rng)}")
            if depth < 2 and self.left >= 4 and rng.random() < 0.3:
                self._nested(b, depth)
            self.msg(f"{b} --> {a} -- :{_reply(rng)}")
        else:  # ++ and return
            self.msg(f"{a} -> {b} ++ : {_label(rng)}")
            if depth < 2 and self.left >= 4 and rng.random() < 0.3:
                self._nested(b, depth)
            self.msg(f"return {rng.choice(_OBJECTS)}")

    def _nested(self, caller: str, depth: int) -> None:
        callee = self.rng.choice([n for n in self.names if n != caller])
        self.msg(f"{caller} -> {callee} ++ : {_label(self.rng)}")
        self.msg(f"{callee} --> {caller} -- : {self.rng.choice(_OBJECTS)}")

    def single(self) -> None:
        """One message without activation: async cast, plain request, self message or lost message."""
        rng = self.rng
        a, b = self.two()
        kind = rng.random()
        if kind < 0.35:
            self.msg(f"{a} ->> {b}: [rpc.cast] {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}")
        elif kind < 0.55:
            self.msg(f"{a} -> {a}: {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}")
        elif kind < 0.6:
            self.msg(f"{a} ->x {b}: {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} (dropped)")
        elif kind < 0.64:
            self.msg(f"{b} <- {a}: {_label(rng)}")
        elif kind < 0.7:
            # The other arrow forms people write, each now and then (PlantUML 1.2020 accepts them all).
            form = rng.choice(("-\\", "-//", "->o", "-[#blue]>", "<->", "-[#DarkGreen]>>"))
            self.msg(f"{a} {form} {b}: {_label(rng)}")
        elif kind < 0.74:
            self.msg(f"{a} o-> {b}: {_label(rng)}")
        elif kind < 0.78:
            self.msg(f"{b} <-- {a}:{_reply(rng)}")
        else:
            self.msg(f"{a} -> {b}: {_label(rng)}")

    def note(self) -> None:
        rng = self.rng
        a, b = self.two()
        kind = rng.randrange(3)
        if kind == 0:
            self.lines.append(f"note right of {a}: {rng.choice(_VERBS)}s the {rng.choice(_OBJECTS)}")
        elif kind == 1:
            self.lines += [f"note over {a}, {b}", f"  {_label(rng)}", f"  then {_label(rng)}", "end note"]
        else:
            self.lines.append(f"hnote over {a}: {rng.choice(_CONDITIONS)}")

    def group(self, depth: int) -> None:
        rng = self.rng
        kind = rng.choice(("alt", "loop", "opt", "group", "alt"))
        if kind == "group":
            self.lines.append(f"group {rng.choice(_PHASES)} [{rng.choice(_CONDITIONS)}]")
        elif kind == "loop":
            self.lines.append(f"loop {rng.randrange(2, 9)} times")
        else:
            self.lines.append(f"{kind} {rng.choice(_CONDITIONS)}")
        self.body(rng.randrange(2, 6), depth + 1)
        if kind == "alt" and self.left >= 2:
            self.lines.append("else otherwise")
            self.body(rng.randrange(2, 4), depth + 1)
        self.lines.append("end")

    def body(self, n_steps: int, depth: int) -> None:
        """``n_steps`` scenarios at this depth (fewer when the budget runs out)."""
        rng = self.rng
        for _ in range(n_steps):
            if self.left <= 0:
                return
            r = rng.random()
            if r < 0.45 and self.left >= 2:
                self.call()
            elif r < 0.52 and depth < 2 and self.left >= 4:
                self.group(depth)
            elif r < 0.58:
                self.note()
                self.single()
            elif r < 0.6:
                self.lines.append(rng.choice(("...", "... 5 seconds later ...", "|||", "||20||")))
                self.single()
            else:
                self.single()


def generate(n_messages: int, seed: int = 0) -> str:
    """PlantUML text of a realistic sequence diagram with exactly ``n_messages`` messages.

    >>> generate(10).count("\\n") > 10
    True
    """
    if n_messages < 1:
        raise ValueError("a diagram needs at least one message")
    rng = random.Random(seed)
    w = _Writer(n_messages, rng)
    w.lines += ["@startuml", f"title Generated OpenStack flow ({n_messages} messages, seed {seed})",
                "hide footbox"]
    w.lines += [decl for decl, _ in PARTICIPANTS if decl is not None]
    per_phase = max(n_messages // len(_PHASES), 1)
    phase = 0
    while w.left > 0:
        if phase < len(_PHASES) and w.count >= phase * per_phase:
            w.lines.append(f"== {_PHASES[phase]} ==")
            phase += 1
        w.body(1, 0)
    w.lines.append("@enduml")
    assert w.count == n_messages
    return "\n".join(w.lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate N [SEED]``: print a generated diagram."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m benchmarks.generate N_MESSAGES [SEED]", file=sys.stderr)
        return 2
    sys.stdout.write(generate(int(args[0]), int(args[1]) if len(args) > 1 else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
