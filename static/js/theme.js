// The theme is rendered by the server on <html data-theme="…"> (no flash on load). On the settings page this
// previews a newly chosen theme at once; saving the form stores it. Without JavaScript the form still works.
const select = document.getElementById("theme");
if (select instanceof HTMLSelectElement) {
  select.addEventListener("change", () => {
    document.documentElement.dataset.theme = select.value;
  });
}
