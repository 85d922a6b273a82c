// Progressive enhancement only: every feature works without this file.
// - Ticking a facet box applies the filters at once (the "Apply filters" button stays
//   for keyboard users who tick several boxes, and for browsers without JavaScript).
// - Empty date fields are left out of the URL, so shared links stay short.
// - "/" focuses the search box, as on most search sites.
document.documentElement.classList.add("js");
window.addEventListener("pageshow", function () {
  // a page restored by the back button keeps fields disabled on submit: enable them again
  document.querySelectorAll("#filter-form input[type=date]").forEach(function (input) {
    input.disabled = false;
  });
});
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("filter-form");
  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") form.requestSubmit();
    });
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        if (!input.value) input.disabled = true;
      });
    });
  }
  var box = document.getElementById("q");
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key !== "/" || !box || tag === "input" || tag === "textarea") return;
    event.preventDefault();
    box.focus();
    box.select();
  });
});
