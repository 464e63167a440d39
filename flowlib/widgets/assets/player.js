// flowlib's step player (an anywidget ES module): previous / play / next, a slider and the keyboard over
// frames pre-rendered in Python. Everything runs in the browser: no kernel is needed to step, so the
// player keeps working after the kernel restarts and on a static page (which calls render() itself).
// The diagram window follows the step: it scrolls to the highlighted arrow; the narration sits beside it.
// The participants' names stay in sight: each frame's window opens with a strip of their heads, sticky at
// its top (CSS only, built in Python: nothing to do here, and no layout work per step).

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
      tallest = 0;  // each view has its own heights
      if (shown) size(shown);  // its new view, at its own height
      ahead();  // the parked frames are made again for this view, ahead of time
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

  // Every frame sits in the same grid cell of the stage. A frame is parsed, laid out and sized once, ahead
  // of time while the browser is idle (the neighbours of the shown frame first); a step then only switches
  // two frames. A parked frame has `content-visibility: hidden` (no style, layout or paint; out of the
  // accessibility tree) and keeps its rendering state; as every made frame has `contain: strict` and its
  // own height, showing it again lays out nothing inside it. Its diagram window was scrolled to the
  // highlighted arrow when it was made, so a step reads no layout either. A frame made on the spot (the
  // learner was quicker than the idle time) costs one parse and one layout, as before.
  const made = new Array(n);
  let index = -1, shown = null, timer = null, idle = null, epoch = 0, width = -1, tallest = 0;
  const key = () => `${root.dataset.view}:${epoch}`;

  function frame(i) {
    if (!made[i]) {
      const slot = document.createElement("div");
      slot.className = "flow-slot flow-off";
      slot.setAttribute("aria-hidden", "true");
      slot.innerHTML = frames[i];
      stage.appendChild(slot);
      made[i] = slot;
    }
    return made[i];
  }

  function centre(slot) {
    // Scroll the slot's diagram window so the highlighted arrow is in its middle (reads layout).
    const win = slot.querySelector(".flow-sequence");
    const arrow = win && win.querySelector("g.msg.highlight");
    if (!arrow || !win.clientHeight) return;
    const w = win.getBoundingClientRect(), a = arrow.getBoundingClientRect();
    const top = (a.top + a.height / 2) - (w.top + w.height / 2);
    const left = (a.left + a.width / 2) - (w.left + w.width / 2);
    if (Math.abs(top) >= 1) win.scrollTop += top;
    if (Math.abs(left) >= 1) win.scrollLeft += left;
  }

  function size(slot) {
    // Lay the slot out at its natural height (it may be unseen: .flow-prep), scroll its window, fix its size.
    slot.classList.remove("flow-sized");
    slot.style.height = "";
    const content = slot.firstElementChild;
    const height = content ? content.getBoundingClientRect().height : 0;
    centre(slot);
    slot.style.height = `${height}px`;
    slot.classList.add("flow-sized");
    slot.dataset.ready = key();
    hold(height);
  }

  function hold(height) {
    // The stage keeps the height of the tallest frame made so far: a step then moves nothing below the
    // player (in a notebook, a change of height relays out and repaints every cell under it).
    if (height > tallest + 0.5) { tallest = height; stage.style.minHeight = `${Math.ceil(height)}px`; }
  }

  function prepare(i) {
    // Make frame i ready unseen, then park it.
    const slot = frame(i);
    if (slot === shown || slot.dataset.ready === key()) return;
    slot.classList.replace("flow-off", "flow-prep");
    size(slot);
    slot.classList.replace("flow-prep", "flow-off");
  }

  const later = window.requestIdleCallback
    ? (f) => window.requestIdleCallback(f, { timeout: 1000 })
    : (f) => setTimeout(() => f({ timeRemaining: () => 0, didTimeout: true }), 50);

  function ahead() {
    // Prepare frames while the browser is idle, nearest to the shown one first, forward before back.
    if (idle !== null) return;
    idle = later((deadline) => {
      idle = null;
      if (!root.isConnected) return;
      // One frame costs a few milliseconds: one per callback, more only while the idle time lasts, so a
      // key press never waits long behind this work.
      for (let d = 1; d < n; d++) {
        for (const i of [index + d, index - d]) {
          if (i < 0 || i >= n || (made[i] && made[i].dataset.ready === key())) continue;
          prepare(i);
          if (deadline.didTimeout || deadline.timeRemaining() < 12) { ahead(); return; }
        }
      }
    });
  }

  // The shown frame keeps its height in step with its content (a view switched, text wrapped anew); a new
  // width of the stage makes every parked frame stale: they are made again, ahead of time.
  const watch = window.ResizeObserver ? new ResizeObserver((entries) => {
    for (const e of entries) {
      if (e.target === stage) {
        const w = Math.round(e.contentRect.width);
        if (w !== width) {
          if (width >= 0) { epoch += 1; tallest = 0; ahead(); }  // frames wrap anew: heights start over
          width = w;
        }
      } else if (shown && e.target === shown.firstElementChild && shown.classList.contains("flow-sized")) {
        const box = e.borderBoxSize && e.borderBoxSize[0];
        const h = box ? box.blockSize : e.target.getBoundingClientRect().height;
        if (Math.abs(h - parseFloat(shown.style.height || "0")) > 0.5) shown.style.height = `${h}px`;
        hold(h);
      }
    }
  }) : null;
  if (watch) watch.observe(stage);

  function follow() {
    // Keep the highlighted arrow in the middle of the diagram window (the page itself does not move).
    if (shown) centre(shown);
  }

  function show(i) {
    i = clamp(i, n);
    if (i === index || !n) return;
    index = i;
    const slot = frame(i);
    if (shown) {
      if (watch && shown.firstElementChild) watch.unobserve(shown.firstElementChild);
      shown.classList.add("flow-off");
      shown.setAttribute("aria-hidden", "true");
    }
    slot.classList.remove("flow-off");
    slot.removeAttribute("aria-hidden");
    shown = slot;
    if (slot.dataset.ready !== key()) size(slot);  // not made ahead: lay it out now
    else requestAnimationFrame(() => setTimeout(follow, 0));  // after the paint: a no-op unless it moved
    if (watch && slot.firstElementChild) watch.observe(slot.firstElementChild);
    range.value = String(i);
    const text = `Step ${i + 1} of ${n}` + (steps[i] !== undefined ? ` (message ${steps[i]})` : "");
    range.setAttribute("aria-valuetext", text);
    where.textContent = text;
    prev.disabled = i === 0;
    next.disabled = i === n - 1;
    ahead();
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
    // A part of the frame that scrolls (it takes the focus, for keyboards) keeps its arrow keys to scroll.
    if (e.target !== root && stage.contains(e.target)) return;
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
  return () => {
    stop();
    model.off("change:index", onIndex);
    if (watch) watch.disconnect();
  };
}

export default { render };
