// Progressive enhancement only: every page works without JavaScript.
// Confirm before submitting forms marked with data-confirm (deletions).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
