// Reading list and article page enhancements: htmx CSRF header, keyboard shortcuts, read on scroll,
// auto refresh, "opened" tracking, comment errors swapped in place. Every page works without this file.
// Vendored: static/js/htmx.min.js is htmx.org 2.0.11 from the npm registry (dist/htmx.min.js), licence 0BSD.

const list = document.getElementById("reading-list");
const article = document.getElementById("article");
const root = list || article;
const csrf = root ? root.dataset.csrf : "";

document.body.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = csrf;
});

// A comment refused by the server (400) answers its form with the error, marked by a header: swap it rather
// than fail. Any other 400 (an expired CSRF token, say) is an error page, never swapped into the comments.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 400 && xhr.getResponseHeader("X-Legadilo-Form-Error") === "1") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.body.addEventListener("htmx:responseError", (event) => {
  window.alert(`The action failed (${event.detail.xhr.status}). Reload the page and try again.`);
});

// Card buttons submit the shared #card-form (plain posts without JavaScript); with htmx they swap the card
// (or remove it when it left the list) and update the counters out of band.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("#cards button[formaction]") : null;
  if (!button || !window.htmx) return;
  event.preventDefault();
  const url = button.getAttribute("formaction");
  if (url.endsWith("/delete/") && !window.confirm("Delete this article? This cannot be undone.")) return;
  const values = Object.fromEntries(new FormData(document.getElementById("card-form")));
  if (button.name) values[button.name] = button.value;
  const card = button.closest(".card");
  window.htmx.ajax("POST", url, { source: card, target: card, swap: "outerHTML", values });
});

function post(url, body) {
  return fetch(url, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
    credentials: "same-origin",
    keepalive: true,
  });
}

function updateCounts(unread) {
  for (const [id, count] of Object.entries(unread)) {
    const counter = document.getElementById(`unread-count-${id}`);
    if (counter) counter.textContent = String(count);
  }
}

function opened(card) {
  post(`/reading/articles/${card.dataset.articleId}/open/`, {}).then(async (response) => {
    if (!response.ok) return;
    updateCounts((await response.json()).unread);
    card.classList.add("is-read");
  });
}

// --- "opened": following a card's link to the original page marks the article opened.
function markOpened(event) {
  const link = event.target instanceof Element ? event.target.closest("a.js-original") : null;
  if (link && (event.type === "click" || event.button === 1)) {
    opened(link.closest(".card"));
  }
}
document.addEventListener("click", markOpened);
document.addEventListener("auxclick", markOpened);

// --- keyboard shortcuts
const cards = () => Array.from(document.querySelectorAll("#cards > .card"));
let current = null;

function currentCard() {
  if (current && document.contains(current)) return current;
  const focused = document.activeElement instanceof Element ? document.activeElement.closest(".card") : null;
  return focused;
}

function select(card) {
  if (!card) return;
  if (current) current.classList.remove("is-current");
  current = card;
  card.classList.add("is-current");
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

function move(step) {
  const all = cards();
  if (!all.length) return;
  const index = all.indexOf(currentCard());
  const next = index < 0 ? all[step > 0 ? 0 : all.length - 1] : all[Math.min(Math.max(index + step, 0), all.length - 1)];
  select(next);
}

function clickAction(key) {
  const scope = list ? currentCard() : article;
  const button = scope ? scope.querySelector(`button[data-key="${key}"]`) : null;
  if (!button) return;
  // A form htmx has just swapped in is processed after its settle delay: a key pressed before would post it
  // without htmx (a full page load). Processing it again is harmless.
  if (window.htmx && button.form) window.htmx.process(button.form);
  button.click();
}

function openCard() {
  const card = currentCard();
  if (!card) return;
  const link = card.querySelector(".card-title a");
  if (link) link.click();
}

function openOriginal() {
  if (article) {
    clickAction("v");
    return;
  }
  const card = currentCard();
  if (!card) return;
  opened(card);
  window.open(card.dataset.originalUrl, "_blank", "noopener");
}

const help = document.getElementById("shortcuts-help");
const helpButton = document.querySelector(".js-shortcuts-help");
if (helpButton && help) {
  helpButton.hidden = false;
  helpButton.addEventListener("click", () => help.showModal());
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
}

let pendingG = false;
document.addEventListener("keydown", (event) => {
  if (!root || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (help && help.open) return;
  const key = event.key;
  if (pendingG) {
    pendingG = false;
    if (key === "l") {
      window.location.assign(article ? article.dataset.listsUrl : "/reading/");
      event.preventDefault();
    }
    return;
  }
  const actions = {
    j: () => (list ? move(1) : clickRel("next")),
    k: () => (list ? move(-1) : clickRel("prev")),
    o: () => openCard(),
    m: () => clickAction("m"),
    s: () => clickAction("s"),
    l: () => clickAction("l"),
    v: () => openOriginal(),
    g: () => { pendingG = true; window.setTimeout(() => { pendingG = false; }, 1500); },
    "/": () => window.location.assign("/reading/search/"),
    "?": () => help && help.showModal(),
  };
  if (key === "Enter" && list && event.target instanceof Element && event.target.classList.contains("card")) {
    openCard();
    event.preventDefault();
    return;
  }
  const run = actions[key];
  if (run) {
    run();
    event.preventDefault();
  }
});

function clickRel(rel) {
  const link = document.querySelector(`.article-nav a[rel="${rel}"]`);
  if (link) link.click();
}

// After an htmx swap, keep the selection on the new version of the current card.
document.body.addEventListener("htmx:afterSwap", (event) => {
  if (!current || document.contains(current)) return;
  const target = event.detail.target;
  const replaced = target && target.id ? document.getElementById(target.id) : null;
  if (replaced) select(replaced);
});

// --- read on scroll: the unread cards scrolled past are marked read, one request at a time.
if (list && list.dataset.readOnScroll === "1") {
  let busy = false;
  const sent = new Set();
  const flush = async () => {
    if (busy) return;
    const passed = cards().filter((card) => {
      const box = card.getBoundingClientRect();
      return !card.classList.contains("is-read") && !sent.has(card.dataset.articleId) && box.top + box.height / 2 < 0;
    });
    if (!passed.length) return;
    busy = true;
    const ids = passed.map((card) => card.dataset.articleId);
    ids.forEach((id) => sent.add(id));
    try {
      const response = await post(list.dataset.bulkReadUrl, { article_ids: ids.join(",") });
      if (response.ok) {
        updateCounts((await response.json()).unread);
        passed.forEach((card) => card.classList.add("is-read"));
      }
    } finally {
      busy = false;
    }
  };
  let timer = 0;
  window.addEventListener("scroll", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(flush, 1000);
  }, { passive: true });
}

// --- auto refresh: reload after the list's interval (hours), postponed while the reader scrolls.
if (list && Number(list.dataset.autoRefreshHours) > 0) {
  const delay = Number(list.dataset.autoRefreshHours) * 3600 * 1000;
  let timer = window.setTimeout(() => window.location.reload(), delay);
  window.addEventListener("scroll", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => window.location.reload(), delay);
  }, { passive: true });
}
