// A long list of checkboxes (regions, countries) has a box that narrows it as the editor types.
// Ticked choices stay in view, so the filter never hides what the rule already says.
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches(".checklist-filter")) {
    return;
  }
  const wanted = box.value.trim().toLocaleLowerCase();
  const list = box.closest(".checklist");
  for (const option of list.querySelectorAll(".checklist-options label")) {
    const input = option.querySelector("input");
    const shown = !wanted || input.checked || option.textContent.toLocaleLowerCase().includes(wanted);
    option.parentElement.hidden = !shown;
  }
});
