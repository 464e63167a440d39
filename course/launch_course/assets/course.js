// The course's widgets (an anywidget ES module): quizzes checked in the browser, an exercise check that
// records a right answer, and progress cards. Answers and feedback were computed from the diagram when
// the notebook ran and are stored with the widget, so nothing here needs the kernel. Progress lives in
// the browser's localStorage (per site: JupyterLab's and the static site's are kept apart).

const KEY = "launch-course/done";
const EVENT = "launch-course-progress";

function loadDone() {
  try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
}

function markDone(id) {
  const done = loadDone();
  if (done[id]) return;
  done[id] = Date.now();
  try { localStorage.setItem(KEY, JSON.stringify(done)); } catch (e) { /* private mode: progress is not kept */ }
  window.dispatchEvent(new CustomEvent(EVENT, { detail: id }));
}

function onProgress(callback) {
  const storage = (e) => { if (e.key === KEY || e.key === null) callback(); };
  window.addEventListener(EVENT, callback);
  window.addEventListener("storage", storage);
  return () => { window.removeEventListener(EVENT, callback); window.removeEventListener("storage", storage); };
}

let serial = 0;

function renderQuiz(model, el) {
  const questions = model.get("cards") || [];
  el.classList.add("flow-quiz");
  const cleanups = [];
  questions.forEach((q, qi) => {
    const card = document.createElement("fieldset");
    card.className = "flow-question";
    card.dataset.question = q.id;
    const legend = document.createElement("legend");
    legend.innerHTML = q.prompt_html;
    const choices = document.createElement("div");
    choices.className = "flow-choices";
    const name = `flow-q${++serial}`;
    q.choices.forEach((text, ci) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = String(ci);
      label.append(input, document.createTextNode(" " + text));
      choices.appendChild(label);
    });
    const row = document.createElement("div");
    row.className = "flow-check-row";
    const check = document.createElement("button");
    check.type = "button";
    check.className = "flow-check";
    check.textContent = "Check";
    const done = document.createElement("span");
    done.className = "flow-done";
    row.append(check, done);
    const feedback = document.createElement("div");
    feedback.className = "flow-feedback-box";
    feedback.setAttribute("aria-live", "polite");
    const showDone = () => { done.textContent = loadDone()["quiz:" + q.id] ? "\u2713 answered right before" : ""; };
    check.addEventListener("click", () => {
      const picked = choices.querySelector("input:checked");
      if (!picked) { feedback.innerHTML = model.get("pick_first"); return; }
      const verdict = q.verdicts[Number(picked.value)];
      feedback.innerHTML = verdict.html;
      if (verdict.correct) markDone("quiz:" + q.id);
    });
    cleanups.push(onProgress(showDone));
    showDone();
    card.append(legend, choices, row, feedback);
    el.appendChild(card);
    void qi;
  });
  return () => cleanups.forEach((f) => f());
}

function renderChecked(model, el) {
  el.classList.add("flow-checked");
  el.innerHTML = model.get("html");
  if (model.get("correct") && model.get("item")) markDone(model.get("item"));
}

function renderProgress(model, el) {
  el.classList.add("flow-progress");
  const notebooks = model.get("notebooks") || [];
  const course = model.get("scope") === "course";
  function draw() {
    const done = loadDone();
    const rows = notebooks.map((nb) => {
      const quiz = nb.quiz.filter((id) => done["quiz:" + id]).length;
      const exercises = nb.exercises.filter((id) => done["exercise:" + id]).length;
      return { nb, quiz, exercises, all: quiz + exercises, total: nb.quiz.length + nb.exercises.length };
    });
    const box = document.createElement("div");
    const title = document.createElement(course ? "h3" : "p");
    title.className = "flow-progress-title";
    if (course) {
      const all = rows.reduce((s, r) => s + r.all, 0), total = rows.reduce((s, r) => s + r.total, 0);
      title.textContent = `Your progress in the course: ${all} of ${total} done`;
      box.appendChild(title);
      const table = document.createElement("table");
      table.innerHTML = "<thead><tr><th scope=\"col\">notebook</th><th scope=\"col\">quiz questions right</th>"
        + "<th scope=\"col\">exercises solved</th><th scope=\"col\">done</th></tr></thead>";
      const body = document.createElement("tbody");
      for (const r of rows) {
        const tr = document.createElement("tr");
        const cells = [r.nb.title, `${r.quiz} of ${r.nb.quiz.length}`,
          r.nb.exercises.length ? `${r.exercises} of ${r.nb.exercises.length}` : "none here"];
        for (const text of cells) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
        const td = document.createElement("td");
        const meter = document.createElement("progress");
        meter.max = r.total || 1;
        meter.value = r.all;
        meter.setAttribute("aria-label", `${r.nb.title}: ${r.all} of ${r.total} done`);
        td.appendChild(meter);
        tr.appendChild(td);
        body.appendChild(tr);
      }
      table.appendChild(body);
      box.appendChild(table);
    } else {
      const r = rows[0] || { quiz: 0, exercises: 0, nb: { quiz: [], exercises: [] } };
      const parts = [`quiz questions answered right: ${r.quiz} of ${r.nb.quiz.length}`];
      if (r.nb.exercises.length) parts.push(`exercises solved: ${r.exercises} of ${r.nb.exercises.length}`);
      title.textContent = "Your progress in this notebook: " + parts.join(", ") + ".";
      box.appendChild(title);
    }
    const note = document.createElement("p");
    note.className = "flow-progress-note";
    note.textContent = model.get("note");
    box.appendChild(note);
    el.replaceChildren(box);
  }
  draw();
  return onProgress(draw);
}

function render({ model, el }) {
  const kind = model.get("kind");
  if (kind === "quiz") return renderQuiz(model, el);
  if (kind === "checked") return renderChecked(model, el);
  if (kind === "progress") return renderProgress(model, el);
  return undefined;
}

export default { render };
