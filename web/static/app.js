// Progressive enhancement only: the page works without it.
// Ticking a facet box applies the filters at once; the "Apply filters" button stays for
// keyboard users and for browsers without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("filters");
  if (!form) return;
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") form.submit();
  });
});
