// The offer form in the admin. Without this file every field shows and the form still works;
// with it:
// - rows that the chosen kind, scope or box do not use are hidden (data-shown-when="kind:fixed
//   percent", written by shop/offers/forms.py, which ignores those fields on save anyway);
// - the region picker gets a search box that filters its list and the chosen regions as chips;
// - the price preview (htmx) hears about changes the admin's two-box pickers make without a
//   "change" event, and gets their chosen options, which the admin selects only on submit.
(() => {
  "use strict";

  function controlValue(form, name) {
    const control = form.elements.namedItem(name);
    if (!control) {
      return "";
    }
    if (control.type === "checkbox") {
      return control.checked ? "on" : "";
    }
    return control.value;
  }

  function rowsFollowControls(form) {
    form.querySelectorAll("[data-shown-when]").forEach((field) => {
      const [control, values] = field.dataset.shownWhen.split(":");
      const row = field.closest(".form-row");
      if (row) {
        row.hidden = !values.split(" ").includes(controlValue(form, control));
      }
    });
  }

  function changed(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function regionPicker(picker) {
    const search = picker.querySelector(".region-picker-search");
    const chips = picker.querySelector(".region-picker-chips");
    const empty = picker.querySelector(".region-picker-empty");
    const options = Array.from(picker.querySelectorAll(".region-picker-option"));
    const boxes = options.map((option) => option.querySelector("input"));
    const nameOf = (box) => box.closest("label").textContent.trim();

    function drawChips() {
      const chosen = boxes.filter((box) => box.checked);
      chips.replaceChildren(
        ...chosen.map((box) => {
          const chip = document.createElement("button");
          chip.type = "button";
          chip.className = "region-chip";
          chip.textContent = nameOf(box);
          chip.setAttribute("aria-label", picker.dataset.removeLabel.replace("%(region)s", nameOf(box)));
          const cross = document.createElement("span");
          cross.setAttribute("aria-hidden", "true");
          cross.textContent = "×";
          chip.append(cross);
          chip.addEventListener("click", () => {
            box.checked = false;
            changed(box);
            search.focus();
          });
          return chip;
        }),
      );
      chips.hidden = chosen.length === 0;
    }

    function filter() {
      const words = search.value.trim().toLowerCase();
      let shown = 0;
      picker.querySelectorAll(".region-picker-group").forEach((group) => {
        const groupName = group.querySelector("legend").textContent.toLowerCase();
        let inGroup = 0;
        group.querySelectorAll(".region-picker-option").forEach((option) => {
          const box = option.querySelector("input");
          const match =
            !words ||
            groupName.includes(words) ||
            option.textContent.toLowerCase().includes(words) ||
            box.value.toLowerCase() === words;
          option.hidden = !match;
          inGroup += match ? 1 : 0;
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      empty.hidden = shown > 0;
    }

    search.hidden = false;
    search.addEventListener("input", filter);
    // Searching changes no price: keep its keys and changes from the preview.
    for (const type of ["keyup", "change"]) {
      search.addEventListener(type, (event) => event.stopPropagation());
    }
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault(); // not a submit of the whole form
      }
    });
    picker.addEventListener("change", drawChips);
    drawChips();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("offer_form");
    if (!form) {
      return;
    }
    rowsFollowControls(form);
    form.addEventListener("change", () => rowsFollowControls(form));
    form.querySelectorAll(".region-picker").forEach(regionPicker);

    form.addEventListener("click", (event) => {
      const selector = event.target.closest(".selector");
      if (selector && event.target.closest(".selector-chooser, .selector-chooseall, .selector-clearall")) {
        changed(selector.querySelector("select[id$='_to']"));
      }
    });
    form.addEventListener("dblclick", (event) => {
      const selector = event.target.closest(".selector");
      if (selector) {
        changed(selector.querySelector("select[id$='_to']"));
      }
    });
    document.body.addEventListener("htmx:configRequest", (event) => {
      form.querySelectorAll(".selector select[id$='_to']").forEach((chosen) => {
        event.detail.parameters[chosen.name] = Array.from(chosen.options, (option) => option.value);
      });
    });
  });
})();
