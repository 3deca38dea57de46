// Rows that the admin's "Add another" button creates did not exist when htmx scanned the page:
// hand each new row to htmx so its fact picker swaps the value widget like the others.
document.addEventListener("formset:added", (event) => {
  if (window.htmx) {
    window.htmx.process(event.target);
  }
});
