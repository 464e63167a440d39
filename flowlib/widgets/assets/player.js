// flowlib's step player (an anywidget ES module): previous / play / next, a slider and the keyboard over
// frames pre-rendered in Python. Everything runs in the browser: no kernel is needed to step, so the
// player keeps working after the kernel restarts and on a static page (which calls render() itself).
// The diagram window follows the step: it scrolls to the highlighted arrow; the narration sits beside it.

function clamp(i, n) { return Math.max(0, Math.min(n - 1, i)); }

function button(cls, text, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.textContent = text;
  if (label) b.setAttribute("aria-label", label);
  return b;
}

const VIEWS = [["sequence", "Sequence"], ["communication", "Communication"], ["table", "Table"]];

function render({ model, el }) {
  const frames = model.get("frames") || [];
  const steps = model.get("steps") || [];
  const n = frames.length;
  el.classList.add("flow-player");
  const root = document.createElement("div");
  root.className = "flow-ui";
  root.dataset.view = "sequence";
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", model.get("title") || "Step player");
  root.tabIndex = 0;

  const controls = document.createElement("div");
  controls.className = "flow-controls";
  const prev = button("flow-prev", "\u25C0 Previous", "Previous step");
  const play = button("flow-play", "\u25B6 Play", "Play the steps");
  const next = button("flow-next", "Next \u25B6", "Next step");
  const range = document.createElement("input");
  range.type = "range";
  range.className = "flow-range";
  range.min = "0";
  range.max = String(Math.max(0, n - 1));
  range.step = "1";
  range.setAttribute("aria-label", "Step");
  const where = document.createElement("span");
  where.className = "flow-where";
  const tabs = document.createElement("span");
  tabs.className = "flow-tabs";
  tabs.setAttribute("role", "group");
  tabs.setAttribute("aria-label", "View");
  const tabButtons = VIEWS.map(([key, text]) => {
    const b = button("flow-tab", text);
    b.dataset.view = key;
    b.setAttribute("aria-pressed", String(key === "sequence"));
    b.addEventListener("click", () => {
      root.dataset.view = key;
      tabButtons.forEach((t) => t.setAttribute("aria-pressed", String(t === b)));
      follow();
    });
    tabs.appendChild(b);
    return b;
  });
  controls.append(prev, play, next, range, where, tabs);
  const stage = document.createElement("div");
  stage.className = "flow-stage";
  if (model.get("notice")) {
    // Built in Python from a template, every diagram text escaped there.
    const notice = document.createElement("div");
    notice.className = "flow-notice";
    notice.innerHTML = model.get("notice");
    root.append(notice);
  }
  root.append(controls, stage);
  el.appendChild(root);

  // Frames are parsed on first show and kept: the first paint is quick, and a step only flips `hidden`.
  const made = new Array(n);
  let index = -1, shown = null, timer = null;

  function frame(i) {
    if (!made[i]) {
      const slot = document.createElement("div");
      slot.className = "flow-slot";
      slot.hidden = true;
      slot.innerHTML = frames[i];
      stage.appendChild(slot);
      made[i] = slot;
    }
    return made[i];
  }

  function follow() {
    // Keep the highlighted arrow in the middle of the diagram window (the page itself does not move).
    if (!shown) return;
    const win = shown.querySelector(".flow-sequence");
    const arrow = win && win.querySelector("g.msg.highlight");
    if (!arrow || !win.clientHeight) return;
    const w = win.getBoundingClientRect(), a = arrow.getBoundingClientRect();
    win.scrollTop += (a.top + a.height / 2) - (w.top + w.height / 2);
    win.scrollLeft += (a.left + a.width / 2) - (w.left + w.width / 2);
  }

  function show(i) {
    i = clamp(i, n);
    if (i === index || !n) return;
    index = i;
    const slot = frame(i);
    if (shown) shown.hidden = true;
    slot.hidden = false;
    shown = slot;
    range.value = String(i);
    const text = `Step ${i + 1} of ${n}` + (steps[i] !== undefined ? ` (message ${steps[i]})` : "");
    range.setAttribute("aria-valuetext", text);
    where.textContent = text;
    prev.disabled = i === 0;
    next.disabled = i === n - 1;
    follow();
    // Local only: the kernel need not hear of it (it may be gone); Python may still move it (change:index).
    model.set("index", i);
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    play.textContent = "\u25B6 Play";
    play.setAttribute("aria-label", "Play the steps");
  }

  prev.addEventListener("click", () => { stop(); show(index - 1); });
  next.addEventListener("click", () => { stop(); show(index + 1); });
  range.addEventListener("input", () => { stop(); show(Number(range.value)); });
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (index >= n - 1) show(0);
    play.textContent = "\u275A\u275A Pause";
    play.setAttribute("aria-label", "Pause");
    timer = setInterval(() => { if (index >= n - 1) stop(); else show(index + 1); }, model.get("interval") || 2500);
  });
  root.addEventListener("keydown", (e) => {
    if (e.target === range || e.altKey || e.ctrlKey || e.metaKey) return;  // the slider steps on its own
    const to = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
                 Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation();  // JupyterLab would otherwise move between cells
    stop();
    show(to);
  });
  const onIndex = () => show(model.get("index"));
  model.on("change:index", onIndex);
  show(clamp(model.get("index") || 0, n));
  return () => { stop(); model.off("change:index", onIndex); };
}

export default { render };
