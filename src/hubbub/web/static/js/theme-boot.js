// The theme picked on this device (js/theme.js keeps it), applied before the first paint.
// A classic script loaded, blocking, from <head>: the page's modules run only once the
// document is parsed, too late to spare a user who picked Light on a dark system a flash
// of dark; and the CSP forbids inline scripts. Only "light" and "dark" are applied:
// anything else (nothing stored, "system", a stray value) follows the system.
(() => {
  try {
    const choice = localStorage.getItem("hubbub.theme");
    if (choice === "light" || choice === "dark") document.documentElement.dataset.theme = choice;
  } catch (err) {
    // No storage (a private window may refuse it): the system's theme until `ready`.
  }
})();
