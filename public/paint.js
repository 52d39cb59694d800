// Samskab's first paint, run before the app's code arrives (a classic script at the end of
// index.html's body, so it runs before the page is first shown). It only picks among what
// index.html already holds:
// - the language this device chose (and the header's language buttons work already);
// - for a visitor without an account, the login link, and the heading and introduction of
//   the page they open first (the task list, where a link in an SMS leads, or the login
//   page); else the loading line.
// The app replaces all of it when it starts. Reads the two settings the app keeps in
// localStorage (app/src/settings.rs, app/src/session.rs); writes only the language, as the
// app's own buttons do.
"use strict";
(() => {
  const LANG_KEY = "samskab.lang";
  let lang = "da";
  let signedIn = false;
  try {
    lang = JSON.parse(localStorage.getItem(LANG_KEY) ?? '"da"') === "en" ? "en" : "da";
    signedIn = localStorage.getItem("samskab.user") !== null;
  } catch {
    // Storage blocked or unreadable: Danish, as for a visitor.
  }

  /** Shows every text in `to` (index.html holds the Danish, and the English in data-en). */
  function speak(to) {
    document.documentElement.lang = to;
    for (const el of document.querySelectorAll("#app [data-en]")) {
      el.dataset.da ??= el.textContent;
      el.textContent = to === "en" ? el.dataset.en : el.dataset.da;
    }
    for (const el of document.querySelectorAll("#app [data-en-label]")) {
      el.dataset.daLabel ??= el.getAttribute("aria-label");
      el.setAttribute("aria-label", to === "en" ? el.dataset.enLabel : el.dataset.daLabel);
    }
    for (const button of document.querySelectorAll("#app .language-switch button")) {
      button.setAttribute("aria-pressed", String(button.lang === to));
    }
  }
  if (lang === "en") speak("en");
  for (const button of document.querySelectorAll("#app .language-switch button")) {
    button.addEventListener("click", () => {
      try {
        localStorage.setItem(LANG_KEY, JSON.stringify(button.lang));
      } catch {
        // Not remembered; the page still changes.
      }
      speak(button.lang);
    });
  }

  const path = location.pathname.replace(/\/+$/, "");
  const shown = new Set(signedIn ? ["loading"] : ["visitor"]);
  if (!signedIn && (path === "" || path === "/opgaver")) shown.add("open-tasks");
  else if (!signedIn && path === "/log-ind") shown.add("log-in");
  else shown.add("loading");
  for (const el of document.querySelectorAll("[data-first-paint]")) {
    if (shown.has(el.dataset.firstPaint)) el.hidden = false;
    else el.remove();
  }
})();
